// Jolokia protocol: JMX object names, `domain:key=value,key=value`. Built from parts, and compared
// the way JMX compares them: the order of the key properties does not matter.

/** `domain:key=value,...` in the order given. Values must not need quoting (callers check names first). */
export function objectName(domain: string, properties: Readonly<Record<string, string>>): string {
  return `${domain}:${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}`;
}

/** JMX object names are equal whatever the order of their key properties. */
export function sameObjectName(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = canonical(a);
  return ca !== undefined && ca === canonical(b);
}

/** The name with its key properties sorted; undefined for quoted values, which we never send. */
function canonical(name: string): string | undefined {
  const colon = name.indexOf(':');
  if (colon === -1 || name.includes('"')) return undefined;
  return `${name.slice(0, colon)}:${name
    .slice(colon + 1)
    .split(',')
    .sort()
    .join(',')}`;
}

/** The value of one key property, e.g. `table` of `…:type=Tables,keyspace=ks,table=t`. */
export function keyProperty(name: string, key: string): string | undefined {
  const colon = name.indexOf(':');
  if (colon === -1) return undefined;
  for (const pair of name.slice(colon + 1).split(',')) {
    const equals = pair.indexOf('=');
    if (pair.slice(0, equals) === key) return pair.slice(equals + 1);
  }
  return undefined;
}
