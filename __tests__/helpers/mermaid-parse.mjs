// Parses Mermaid diagrams with the real Mermaid parser (the npm package `mermaid`), in Node with a
// jsdom window. Input on stdin: a JSON array of diagram texts. Output: a JSON array of
// {ok, type} or {ok: false, error}.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    results.push({ ok: true, type: r.diagramType });
  } catch (err) {
    results.push({ ok: false, error: String(err.message ?? err).split('\n').slice(0, 3).join(' ') });
  }
}
process.stdout.write(JSON.stringify(results));
