/**
 * The YAML of the cloud-config parts that differ per node (host name and the node's files), with
 * js-yaml as the authority and a shortcut for the common case.
 *
 * js-yaml decides the style of every string by testing it against each style's grammar, which
 * made dumping the node's files, a few kilobytes of shell settings and firewall rules per node,
 * the largest cost of rendering user-data. Those texts are almost always plain ASCII lines, which
 * js-yaml writes as a literal block (`|`). For such a text this module writes the block itself,
 * after a prefix taken from js-yaml's own dump of the same item with a probe text, so that key
 * order, quoting (`permissions: '0600'`) and indentation stay js-yaml's. Any other text (tabs,
 * carriage returns, non-ASCII, a leading space or blank line, no or several final newlines) and
 * any prefix that does not end in a plain literal block goes to js-yaml's dump. Tests check that
 * the output equals js-yaml's dump of the same value, for the rendered nodes and for random texts.
 */
import { dump } from 'js-yaml';

/**
 * cloud-init reads YAML with PyYAML, a YAML 1.1 parser. js-yaml's default dump schema quotes every
 * string that YAML 1.1 or 1.2 would read as something else (a host name like 2023-01-01 is a date
 * in 1.1, `no` a boolean, 0755 an octal number, 1:20 a base-60 number); long lines are not folded
 * and repeated values are written out, never as anchors.
 */
export const YAML_OPTIONS = { lineWidth: -1, noRefs: true } as const;

/** A cloud-init write_files item. */
export interface WriteFile {
  readonly path: string;
  readonly owner: string;
  readonly permissions: string;
  readonly content: string;
}

/**
 * Texts js-yaml writes as a clipped literal block with no indentation indicator: printable ASCII
 * lines, the first starting with a visible character, ending with exactly one newline.
 */
const LITERAL_TEXT = /^[!-~][ -~\n]*\n$/;
const isLiteralText = (text: string) => LITERAL_TEXT.test(text) && !text.endsWith('\n\n');

/** A host name js-yaml writes plain in every schema: lowercase DNS labels with at least one hyphen. */
const PLAIN_HOST_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

const PROBE = 'ums-ha\nprobe\n';

/** Per path, owner and permissions: what js-yaml writes before the content lines, and their indent. */
interface ItemLayout {
  readonly prefix: string;
  readonly indent: string;
}
const layouts = new Map<string, ItemLayout | null>();

function layoutOf(item: WriteFile): ItemLayout | null {
  const key = `${item.path}\0${item.owner}\0${item.permissions}`;
  let layout = layouts.get(key);
  if (layout === undefined) {
    const text = dump({ write_files: [{ ...item, content: PROBE }] }, YAML_OPTIONS);
    const m = /^write_files:\n([^]*content: \|\n)( +)ums-ha\n\2probe\n$/.exec(text);
    layout = m ? { prefix: m[1] as string, indent: m[2] as string } : null;
    layouts.set(key, layout);
  }
  return layout;
}

function indentLines(text: string, indent: string): string {
  // As js-yaml does: every non-empty line is indented, empty lines stay empty.
  return text.replace(/^(?=.)/gm, indent);
}

/** `write_files:` and the items: the same text as `dump({ write_files: items }, YAML_OPTIONS)`. */
export function writeFilesYaml(items: readonly WriteFile[]): string {
  let out = 'write_files:\n';
  for (const item of items) {
    const layout = isLiteralText(item.content) ? layoutOf(item) : null;
    // Anything else, js-yaml writes the whole list: an item's text can depend on what follows it
    // (a block kept open at the end of the document is closed with `...`).
    if (!layout) return dump({ write_files: items }, YAML_OPTIONS);
    out += layout.prefix + indentLines(item.content, layout.indent);
  }
  return items.length > 0 ? out : dump({ write_files: items }, YAML_OPTIONS);
}

/** The items alone, as they continue a `write_files:` list written by writeFilesYaml. */
export function writeFilesItemsYaml(items: readonly WriteFile[]): string {
  return writeFilesYaml(items).slice('write_files:\n'.length);
}

/** `hostname: <name>`: the same text as `dump({ hostname: name }, YAML_OPTIONS)`. */
export function hostnameYaml(name: string): string {
  return PLAIN_HOST_NAME.test(name) ? `hostname: ${name}\n` : dump({ hostname: name }, YAML_OPTIONS);
}
