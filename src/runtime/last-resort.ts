// Runtime: the line printed when everything else failed — the renderers themselves, an exception
// nobody caught, a bundle that does not even load. It uses nothing but the most basic string
// operations, so that it works on any Node the plugin might meet (Debian 12's is 18).

/** One UNKNOWN status line naming the error, safe for any monitoring core. */
export function lastResortLine(service: string, what: string, error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an error that cannot be printed';
  }
  // Line breaks, controls and `|` (it would start perfdata) become spaces; surrogates, whole or not, U+FFFD.
  const plain = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is what it is for
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029|\s]+/g, ' ')
    .replace(/[\ud800-\udfff]/g, '\ufffd')
    .trim()
    .slice(0, 160);
  return `${service} UNKNOWN - ${what}: ${plain} (please report it)\n`;
}
