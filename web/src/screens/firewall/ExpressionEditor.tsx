/**
 * The Expression Editor: CodeMirror 6 with the Rules language's highlighting, completion of
 * fields and functions, and live validation by the API (`validate-expr` of the zone, which
 * also knows the account's lists). The error's span is underlined and its message shown
 * under the editor.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { api, ApiError, type ApiMessage } from '../../api/client.ts';
import { completeRules, rulesHighlight, rulesLanguage } from './rules-language.ts';

/** What the last validation found. */
export type Validation =
  | { state: 'idle' | 'checking' | 'valid' }
  | { state: 'invalid'; message: string; line?: number; column?: number }
  | { state: 'failed'; message: string };

/** The document range of a 1-based line and column (in code points) and a length. */
export function spanRange(doc: Text, e: Pick<ApiMessage, 'line' | 'column' | 'length'>) {
  const lineNo = Math.min(Math.max(e.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNo);
  const chars = [...line.text];
  const col = Math.min(Math.max((e.column ?? 1) - 1, 0), chars.length);
  let from = line.from + chars.slice(0, col).join('').length;
  const length = Math.max(e.length ?? 1, 1);
  let to = Math.min(from + chars.slice(col, col + length).join('').length, doc.length);
  // An error at the very end (a missing operand) underlines the last character.
  if (to <= from) {
    from = Math.max(0, Math.min(from, doc.length) - 1);
    to = Math.min(doc.length, from + 1);
  }
  return { from, to };
}

export function ExpressionEditor(props: {
  zoneId: string;
  value: string;
  onChange: (text: string) => void;
  onValidation: (v: Validation) => void;
  /** The accessible name of the text area. */
  label: string;
  describedBy?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef(props);
  callbacks.current = props;

  useEffect(() => {
    if (!host.current) return;
    const validate = async (v: EditorView): Promise<Diagnostic[]> => {
      const text = v.state.doc.toString();
      const report = callbacks.current.onValidation;
      if (text.trim() === '') {
        report({ state: 'invalid', message: 'Enter an expression.' });
        return [];
      }
      report({ state: 'checking' });
      try {
        await api.post(`/zones/${callbacks.current.zoneId}/filters/validate-expr`, {
          expression: text,
        });
        if (v.state.doc.toString() === text) report({ state: 'valid' });
        return [];
      } catch (err) {
        if (v.state.doc.toString() !== text) return [];
        const first = err instanceof ApiError ? err.errors[0] : undefined;
        if (!first || first.code !== 1009) {
          report({ state: 'failed', message: (err as Error).message });
          return [];
        }
        report({
          state: 'invalid',
          message: first.message,
          line: first.line,
          column: first.column,
        });
        const { from, to } = spanRange(v.state.doc, first);
        return [{ from, to, severity: 'error', message: first.message, source: 'Portcullis' }];
      }
    };

    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: callbacks.current.value,
        extensions: [
          history(),
          closeBrackets(),
          bracketMatching(),
          rulesLanguage,
          syntaxHighlighting(rulesHighlight),
          autocompletion({ override: [completeRules], icons: false }),
          linter(validate, { delay: 350 }),
          lintGutter(),
          placeholder('http.host eq "api.example.com" and not cf.tls_client_auth.cert_verified'),
          keymap.of([
            ...closeBracketsKeymap,
            ...completionKeymap,
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': callbacks.current.label,
            ...(callbacks.current.describedBy
              ? { 'aria-describedby': callbacks.current.describedBy }
              : {}),
            spellcheck: 'false',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // Text set from outside (a switch from the builder) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return <div ref={host} className="code-editor" />;
}
