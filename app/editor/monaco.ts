// Monaco, bundled locally (no CDN): the core editor API plus the few contributions bpfplay uses, its
// editor worker through Vite's `?worker`, three Monarch languages (the LLVM dialect, the ubpf mnemonic
// dialect, classic BPF), hovers and completions derived from the engine's ISA table, helper names and
// context fields (fetched once from the engine worker), and a dark and a light theme.
// Loaded lazily: nothing here is in the initial bundle.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import type { LanguageInfo } from '../../worker/api/types';

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export const LANG = { llvm: 'bpf-llvm', ubpf: 'bpf-ubpf', cbpf: 'bpf-cbpf' } as const;

const REG_DOCS: Record<string, string> = {
  r0: 'r0: return value of helpers and of the program.',
  r1: 'r1: first argument; at entry it holds the context pointer.',
  r2: 'r2: second argument (caller-saved).',
  r3: 'r3: third argument (caller-saved).',
  r4: 'r4: fourth argument (caller-saved).',
  r5: 'r5: fifth argument (caller-saved).',
  r6: 'r6: callee-saved; LD_ABS/LD_IND take the skb from r6.',
  r7: 'r7: callee-saved.',
  r8: 'r8: callee-saved.',
  r9: 'r9: callee-saved.',
  r10: 'r10: read-only frame pointer; the 512-byte stack lies below it.',
};

let registered = false;

/** Names the current program defines (maps, labels), for completion; set by the editor component. */
let programNames: () => string[] = () => [];
export function setProgramNames(fn: () => string[]): void {
  programNames = fn;
}

export function setupLanguages(info: LanguageInfo): void {
  if (registered) return;
  registered = true;
  const helperNames = info.helpers.map((h) => h.name);
  const ubpfNames = info.ubpfMnemonics.map((m) => m.name);

  monaco.languages.register({ id: LANG.llvm });
  monaco.languages.register({ id: LANG.ubpf });
  monaco.languages.register({ id: LANG.cbpf });

  monaco.languages.setMonarchTokensProvider(LANG.llvm, {
    keywords: info.llvmKeywords.map((k) => k.name),
    helpers: helperNames,
    tokenizer: {
      root: [
        [/(#|\/\/).*$/, 'comment'],
        [/\/\*/, 'comment', '@block'],
        [/^\s*[A-Za-z_.$][\w.$]*:/, 'type.identifier'],
        [/\b[rw](10|[0-9])\b/, 'variable.predefined'],
        [/\b(u8|u16|u32|u64|s8|s16|s32|s64)\b/, 'type'],
        [/\bs?(>>=|>=|<=|>|<)/, 'operator'],
        [/[A-Za-z_][\w]*/, { cases: { '@keywords': 'keyword', '@helpers': 'support.function', '@default': 'identifier' } }],
        [/-?0x[0-9a-fA-F]+/, 'number.hex'],
        [/-?\d+/, 'number'],
        [/[=+\-*/%&|^<>!~]+/, 'operator'],
        [/[()[\]]/, '@brackets'],
        [/"[^"]*"/, 'string'],
      ],
      block: [
        [/\*\//, 'comment', '@pop'],
        [/./, 'comment'],
      ],
    },
  } as monaco.languages.IMonarchLanguage);

  monaco.languages.setMonarchTokensProvider(LANG.ubpf, {
    mnemonics: [...ubpfNames, 'lddw', 'ja', 'call', 'exit'],
    helpers: helperNames,
    tokenizer: {
      root: [
        [/(#|\/\/|;).*$/, 'comment'],
        [/^\s*[A-Za-z_.$][\w.$]*:/, 'type.identifier'],
        [/%r(10|[0-9])\b/, 'variable.predefined'],
        [/[A-Za-z_][\w]*/, { cases: { '@mnemonics': 'keyword', '@helpers': 'support.function', '@default': 'identifier' } }],
        [/[+-]?0x[0-9a-fA-F]+/, 'number.hex'],
        [/[+-]?\d+/, 'number'],
        [/[[\],]/, 'delimiter'],
      ],
    },
  } as monaco.languages.IMonarchLanguage);

  monaco.languages.setMonarchTokensProvider(LANG.cbpf, {
    mnemonics: info.cbpfMnemonics,
    tokenizer: {
      root: [
        [/(;|#|\/\/).*$/, 'comment'],
        [/^\(\d+\)/, 'number.hex'],
        [/^\s*[A-Za-z_][\w]*:/, 'type.identifier'],
        [/\b(jt|jf)\b/, 'keyword.control'],
        [/\b[AX]\b|\bM\[\d+\]|\bx\b/, 'variable.predefined'],
        [/#[A-Za-z_]+/, 'support.function'],
        [/[A-Za-z_][\w]*/, { cases: { '@mnemonics': 'keyword', '@default': 'identifier' } }],
        [/#?-?0x[0-9a-fA-F]+/, 'number.hex'],
        [/#?-?\d+/, 'number'],
        [/[[\](),+*&]/, 'delimiter'],
      ],
    },
  } as monaco.languages.IMonarchLanguage);

  const docs = new Map<string, string>();
  for (const m of info.ubpfMnemonics) docs.set(m.name, `**${m.name}** — ${m.doc}`);
  for (const k of info.llvmKeywords) docs.set(k.name, `**${k.name}** — ${k.doc}`);
  for (const [r, d] of Object.entries(REG_DOCS)) {
    docs.set(r, d);
    docs.set(r.replace('r', 'w'), `${d} As wN: the low 32 bits; writes zero the upper half.`);
  }
  const helperDoc = new Map<string, string>();
  for (const h of info.helpers) {
    const text = `**${h.name}** (helper #${h.id})${h.proto ? `\n\n\`${h.proto}\`` : ''}${h.doc ? `\n\n${h.doc}` : ''}`;
    helperDoc.set(h.name, text);
    helperDoc.set(h.name.replace(/^bpf_/, ''), text);
  }
  const ctxDoc = new Map<string, string[]>();
  for (const f of info.ctxFields) {
    const list = ctxDoc.get(f.name) ?? [];
    list.push(`${f.progType}: offset ${f.offset}, ${f.size} bytes — ${f.doc}`);
    ctxDoc.set(f.name, list);
  }
  const hover: monaco.languages.HoverProvider = {
    provideHover(model, pos) {
      const w = model.getWordAtPosition(pos);
      if (!w) return null;
      const word = w.word;
      const text = helperDoc.get(word) ?? docs.get(word) ?? (ctxDoc.has(word) ? `**${word}** (context field)\n\n${ctxDoc.get(word)!.slice(0, 6).join('\n\n')}` : null);
      if (!text) return null;
      return {
        range: new monaco.Range(pos.lineNumber, w.startColumn, pos.lineNumber, w.endColumn),
        contents: [{ value: text }],
      };
    },
  };
  monaco.languages.registerHoverProvider(LANG.llvm, hover);
  monaco.languages.registerHoverProvider(LANG.ubpf, hover);

  const completion = (words: () => { label: string; kind: monaco.languages.CompletionItemKind; doc?: string }[]): monaco.languages.CompletionItemProvider => ({
    provideCompletionItems(model, pos) {
      const w = model.getWordUntilPosition(pos);
      const range = new monaco.Range(pos.lineNumber, w.startColumn, pos.lineNumber, w.endColumn);
      return { suggestions: words().map((x) => ({ label: x.label, kind: x.kind, insertText: x.label, documentation: x.doc ? { value: x.doc } : undefined, range })) };
    },
  });
  const K = monaco.languages.CompletionItemKind;
  const common = () => [
    ...programNames().map((n) => ({ label: n, kind: K.Variable, doc: 'defined in this program' })),
    ...info.helpers.map((h) => ({ label: h.name, kind: K.Function, doc: helperDoc.get(h.name) })),
    ...[...new Set(info.ctxFields.map((f) => f.name))].map((n) => ({ label: n, kind: K.Field, doc: ctxDoc.get(n)?.join('\n\n') })),
  ];
  monaco.languages.registerCompletionItemProvider(LANG.llvm, completion(() => [...info.llvmKeywords.map((k) => ({ label: k.name, kind: K.Keyword, doc: k.doc })), ...common()]));
  monaco.languages.registerCompletionItemProvider(LANG.ubpf, completion(() => [...info.ubpfMnemonics.map((k) => ({ label: k.name, kind: K.Keyword, doc: k.doc })), ...common()]));
  monaco.languages.registerCompletionItemProvider(LANG.cbpf, completion(() => info.cbpfMnemonics.map((m) => ({ label: m, kind: K.Keyword }))));

  monaco.editor.defineTheme('bpf-dark', {
    base: 'vs-dark', inherit: true,
    rules: [
      { token: 'comment', foreground: '6b7a90', fontStyle: 'italic' },
      { token: 'keyword', foreground: 'c792ea' },
      { token: 'keyword.control', foreground: 'c792ea' },
      { token: 'variable.predefined', foreground: '82aaff' },
      { token: 'support.function', foreground: 'ffcb6b' },
      { token: 'type', foreground: '89ddff' },
      { token: 'type.identifier', foreground: 'f78c6c', fontStyle: 'bold' },
      { token: 'number', foreground: 'c3e88d' },
      { token: 'number.hex', foreground: 'c3e88d' },
      { token: 'operator', foreground: '89ddff' },
    ],
    colors: { 'editor.background': '#0f1419', 'editorGutter.background': '#0f1419', 'editor.lineHighlightBackground': '#1a212b' },
  });
  monaco.editor.defineTheme('bpf-light', {
    base: 'vs', inherit: true,
    rules: [
      { token: 'comment', foreground: '6a737d', fontStyle: 'italic' },
      { token: 'keyword', foreground: '8839ef' },
      { token: 'keyword.control', foreground: '8839ef' },
      { token: 'variable.predefined', foreground: '1e66f5' },
      { token: 'support.function', foreground: 'b35900' },
      { token: 'type', foreground: '04a5e5' },
      { token: 'type.identifier', foreground: 'd20f39', fontStyle: 'bold' },
      { token: 'number', foreground: '40a02b' },
      { token: 'number.hex', foreground: '40a02b' },
      { token: 'operator', foreground: '179299' },
    ],
    colors: { 'editor.background': '#ffffff' },
  });
}

export { monaco };
