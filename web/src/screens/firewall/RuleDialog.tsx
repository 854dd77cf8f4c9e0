/**
 * Create firewall rule / Edit Firewall Rule: the rule's name, its expression in the
 * Expression Builder (with the Expression Preview) or the Expression Editor, and its action.
 */
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { RulesetRule } from '../../api/types.ts';
import {
  Button,
  Dialog,
  ErrorBanner,
  FormField,
  InlineConfirm,
  Notice,
  Spinner,
} from '../../ui/index.ts';
import { ExpressionBuilder } from './ExpressionBuilder.tsx';
import { ExpressionEditor, type Validation } from './ExpressionEditor.tsx';
import { builderFromText, newRow, textFromBuilder, type BuilderState } from './expression-model.ts';
import { ACTIONS, actionChoice, type ActionChoice, type RuleInput } from './rules-api.ts';

type Mode = 'builder' | 'editor';

/** The engine's reason without its prefix, to follow "cannot show it:". */
function why(reason: string): string {
  const text = reason.replace(/^needs the Expression Editor: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function initialState(rule: RulesetRule | undefined) {
  const empty: BuilderState = { rows: [newRow()], joiner: 'and' };
  if (!rule) return { mode: 'builder' as Mode, builder: empty, text: '', reason: undefined };
  const shown = builderFromText(rule.expression);
  if (shown.ok)
    return {
      mode: 'builder' as Mode,
      builder: shown.state,
      text: rule.expression,
      reason: undefined,
    };
  return { mode: 'editor' as Mode, builder: empty, text: rule.expression, reason: shown.reason };
}

export function RuleDialog(props: {
  zoneId: string;
  rule?: RulesetRule;
  onSave: (input: RuleInput) => Promise<void>;
  onClose: () => void;
}) {
  const start = useMemo(() => initialState(props.rule), [props.rule]);
  const [name, setName] = useState(props.rule?.description ?? '');
  const [action, setAction] = useState<ActionChoice>(
    props.rule ? actionChoice(props.rule) : 'block',
  );
  const [mode, setMode] = useState<Mode>(start.mode);
  const [builder, setBuilder] = useState<BuilderState>(start.builder);
  const [text, setText] = useState(start.text);
  const [validation, setValidation] = useState<Validation>({ state: 'idle' });
  const [unsupported, setUnsupported] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  // The builder as it was when the editor was opened: what "Discard changes" returns to.
  const builderBefore = useRef<BuilderState>(start.builder);
  // Holds the Edit expression / Use expression builder button, which gets focus back after
  // the builder's question is answered.
  const modeSwitch = useRef<HTMLDivElement>(null);
  const ids = useId();

  const preview = textFromBuilder(builder);

  const toEditor = () => {
    builderBefore.current = builder;
    if (preview.ok) setText(preview.text);
    setMode('editor');
  };

  const toBuilder = () => {
    const shown = builderFromText(text);
    if (shown.ok) {
      setBuilder(shown.state);
      setMode('builder');
      setUnsupported(null);
    } else {
      setUnsupported(shown.reason);
    }
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    if (!name.trim()) {
      setNameError('Give the rule a name.');
      return;
    }
    setNameError(null);
    let expression = text;
    if (mode === 'builder') {
      if (!preview.ok) {
        setError(new Error(preview.error));
        return;
      }
      expression = preview.text;
    }
    if (!expression.trim()) {
      setError(new Error('Enter an expression.'));
      return;
    }
    setSaving(true);
    try {
      await props.onSave({ description: name.trim(), expression, action });
      props.onClose();
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  const title = props.rule ? 'Edit Firewall Rule' : 'Create Firewall Rule';
  return (
    <Dialog
      title={title}
      size="large"
      onClose={props.onClose}
      busy={saving}
      footer={
        <>
          {saving ? <Spinner label="Saving…" /> : null}
          <Button onClick={props.onClose} disabled={saving}>
            Cancel
          </Button>
          <Button variant="primary" onClick={() => void submit()} busy={saving}>
            Save
          </Button>
        </>
      }
    >
      <form onSubmit={submit} className="rule-form">
        <FormField label="Rule name" error={nameError}>
          <input
            type="text"
            value={name}
            maxLength={500}
            onChange={(e) => setName(e.target.value)}
          />
        </FormField>

        <div className="expression-header" ref={modeSwitch}>
          <h3 className="section-title">When incoming requests match…</h3>
          {mode === 'builder' ? (
            <Button variant="link" onClick={toEditor}>
              Edit expression
            </Button>
          ) : (
            <Button variant="link" onClick={toBuilder}>
              Use expression builder
            </Button>
          )}
        </div>

        {mode === 'builder' ? (
          <>
            <ExpressionBuilder
              state={builder}
              onChange={setBuilder}
              invalidRow={preview.ok ? undefined : 'row' in preview ? preview.row : undefined}
            />
            <div className="preview">
              <label
                id={`${ids}-preview`}
                htmlFor={`${ids}-preview-text`}
                className="section-title"
              >
                Expression Preview
              </label>
              <output
                id={`${ids}-preview-text`}
                className={`preview-text${preview.ok ? '' : ' preview-error'}`}
              >
                {preview.ok ? preview.text : preview.error}
              </output>
            </div>
          </>
        ) : (
          <div className="editor-wrap">
            {start.reason && text === start.text ? (
              <Notice tone="info">
                This expression is shown in the Expression Editor because the Expression Builder
                cannot show it. {why(start.reason)}.
              </Notice>
            ) : null}
            <label className="section-title" id={`${ids}-editor-label`}>
              Expression Editor
            </label>
            <ExpressionEditor
              zoneId={props.zoneId}
              value={text}
              onChange={setText}
              onValidation={setValidation}
              label="Expression Editor"
              describedBy={`${ids}-validation`}
            />
            <p
              id={`${ids}-validation`}
              className={`validation validation-${validation.state}`}
              aria-live="polite"
            >
              {validation.state === 'checking'
                ? 'Checking…'
                : validation.state === 'valid'
                  ? 'The expression is valid.'
                  : validation.state === 'invalid'
                    ? validation.line
                      ? `Line ${validation.line}, column ${validation.column}: ${validation.message}`
                      : validation.message
                    : validation.state === 'failed'
                      ? `Cannot check the expression: ${validation.message}`
                      : 'Type an expression; Ctrl+Space lists fields and functions.'}
            </p>
            {unsupported ? (
              <InlineConfirm
                title="The Expression Builder cannot show this expression"
                confirmLabel="Discard changes"
                onConfirm={() => {
                  setBuilder(builderBefore.current);
                  setMode('builder');
                  setUnsupported(null);
                }}
                onCancel={() => setUnsupported(null)}
                onDone={() => modeSwitch.current?.querySelector('button')?.focus()}
              >
                <p>
                  {why(unsupported)}. Switching to the builder discards your changes to the
                  expression.
                </p>
              </InlineConfirm>
            ) : null}
          </div>
        )}

        <FormField label="Action" className="action-field">
          <select value={action} onChange={(e) => setAction(e.target.value as ActionChoice)}>
            {ACTIONS.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </FormField>
        <ErrorBanner error={error} title="Cannot save the rule" />
      </form>
    </Dialog>
  );
}
