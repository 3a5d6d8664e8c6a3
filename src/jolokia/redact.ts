// Jolokia client: agent text as it may be shown. A broken or hostile agent (or a proxy in front of
// it) may echo our credentials back, in an error text, a body or a redirect: every form in which
// the password could come back is blanked out before the text reaches any output.

export class Redactor {
  private readonly secrets: RegExp | undefined;

  constructor(user: string | undefined, password: string | undefined) {
    if (password === undefined || password === '') return;
    const forms = [Buffer.from(`${user ?? ''}:${password}`).toString('base64'), password, encodeURIComponent(password)];
    this.secrets = new RegExp([...new Set(forms)].map(escapeRegExp).join('|'), 'g');
  }

  redact(text: string): string {
    return this.secrets === undefined ? text : text.replace(this.secrets, '***');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
