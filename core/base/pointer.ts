/** JSON pointers (RFC 6901), the addresses findings use. */

export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins segments under a base pointer: join('/spec', 'nodes', 0) is '/spec/nodes/0'. */
export function join(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => `/${escapeSegment(s)}`).join('');
}

/** The pointer one level up ('' for the root). */
export function parent(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/** The last segment, unescaped. */
export function lastSegment(pointer: string): string {
  return unescapeSegment(pointer.slice(pointer.lastIndexOf('/') + 1));
}

/** A pointer written for people: '' becomes 'the document root'. */
export function describePointer(pointer: string): string {
  return pointer === '' ? 'the document root' : pointer;
}
