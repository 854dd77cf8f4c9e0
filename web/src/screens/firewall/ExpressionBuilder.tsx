/**
 * The Expression Builder: rows of field, operator and value, joined by And or Or. The
 * engine's builder model has one joiner for all rows, so choosing the other one for a new
 * row changes how every row is joined; mixing both needs the Expression Editor.
 */
import type { BuilderJoiner, BuilderOperator } from '../../../../src/rules/index.ts';
import { Button, IconButton, TrashIcon } from '../../ui/index.ts';
import {
  BUILDER_FIELDS,
  fieldOf,
  newRow,
  OPERATOR_LABELS,
  operatorsFor,
  takesList,
  type BuilderState,
  type EditRow,
} from './expression-model.ts';

function RowEditor(props: {
  row: EditRow;
  index: number;
  onChange: (row: EditRow) => void;
  onRemove?: () => void;
  invalid: boolean;
}) {
  const { row, index } = props;
  const field = fieldOf(row.field);
  const kind = field?.kind ?? 'Bytes';
  const ids = `expr-${row.key}`;
  // Only the first row shows its labels, as a header; the others keep them for screen readers.
  const labelClass = index === 0 ? 'builder-label' : 'visually-hidden';

  const setField = (name: string) => {
    const next = fieldOf(name);
    const operators = operatorsFor(name);
    const operator = operators.includes(row.operator) ? row.operator : (operators[0] ?? 'eq');
    const value = next?.kind === 'Bool' ? 'true' : kind === 'Bool' ? '' : row.value;
    props.onChange({ ...row, field: name, operator, value });
  };

  return (
    <div className="builder-row" role="group" aria-label={`Expression ${index + 1}`}>
      <div className="builder-cell">
        <label className={labelClass} htmlFor={`${ids}-field`}>
          Field
        </label>
        <select id={`${ids}-field`} value={row.field} onChange={(e) => setField(e.target.value)}>
          {BUILDER_FIELDS.map((f) => (
            <option key={f.name} value={f.name} title={f.description}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <div className="builder-cell">
        <label className={labelClass} htmlFor={`${ids}-operator`}>
          Operator
        </label>
        <select
          id={`${ids}-operator`}
          value={row.operator}
          onChange={(e) => props.onChange({ ...row, operator: e.target.value as BuilderOperator })}
        >
          {operatorsFor(row.field).map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
        </select>
      </div>
      <div className="builder-cell builder-value">
        <label className={labelClass} htmlFor={`${ids}-value`}>
          Value
        </label>
        {kind === 'Bool' ? (
          <select
            id={`${ids}-value`}
            value={row.value === 'false' ? 'false' : 'true'}
            onChange={(e) => props.onChange({ ...row, value: e.target.value })}
          >
            <option value="true">true (on)</option>
            <option value="false">false (off)</option>
          </select>
        ) : (
          <input
            id={`${ids}-value`}
            type="text"
            value={row.value}
            aria-invalid={props.invalid || undefined}
            placeholder={
              takesList(row.operator)
                ? kind === 'Ip'
                  ? '10.0.0.0/8 192.0.2.1'
                  : 'api.example.com www.example.com'
                : kind === 'Int'
                  ? '443'
                  : kind === 'Ip'
                    ? '192.0.2.1'
                    : 'value'
            }
            title={
              takesList(row.operator)
                ? 'Separate values with spaces, or name a list as $name'
                : undefined
            }
            onChange={(e) => props.onChange({ ...row, value: e.target.value })}
          />
        )}
      </div>
      <div className="builder-cell builder-remove">
        {props.onRemove ? (
          <IconButton
            label={`Remove expression ${index + 1}`}
            icon={<TrashIcon />}
            onClick={props.onRemove}
          />
        ) : null}
      </div>
    </div>
  );
}

export function ExpressionBuilder(props: {
  state: BuilderState;
  onChange: (state: BuilderState) => void;
  invalidRow?: number;
}) {
  const { rows, joiner } = props.state;
  const update = (i: number, row: EditRow) =>
    props.onChange({ joiner, rows: rows.map((r, j) => (j === i ? row : r)) });
  const remove = (i: number) => props.onChange({ joiner, rows: rows.filter((_, j) => j !== i) });
  const add = (with_: BuilderJoiner) =>
    props.onChange({ joiner: with_, rows: [...rows, newRow()] });

  return (
    <div className="builder" role="group" aria-label="Expression Builder">
      {rows.map((row, i) => (
        <div key={row.key}>
          {i > 0 ? (
            <div className="builder-joiner" aria-hidden="true">
              {joiner === 'and' ? 'And' : 'Or'}
            </div>
          ) : null}
          <RowEditor
            row={row}
            index={i}
            onChange={(r) => update(i, r)}
            onRemove={rows.length > 1 ? () => remove(i) : undefined}
            invalid={props.invalidRow === i}
          />
        </div>
      ))}
      <p className="visually-hidden" aria-live="polite">
        {rows.length} {rows.length === 1 ? 'expression' : `expressions joined by ${joiner}`}
      </p>
      <div className="builder-add">
        <Button onClick={() => add('and')} title="Add an expression joined by and">
          And
        </Button>
        <Button onClick={() => add('or')} title="Add an expression joined by or">
          Or
        </Button>
        {rows.length > 1 ? (
          <span className="muted builder-add-note">
            All expressions are joined by <strong>{joiner}</strong>; mix and/or in the Expression
            Editor.
          </span>
        ) : null}
      </div>
    </div>
  );
}
