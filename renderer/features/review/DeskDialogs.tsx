import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { REJECT_REASON_CODES, REJECT_REASON_LABELS, type RejectReasonCode } from '../../../shared/contract';
import type { CorrectionSchemaView } from '../../../shared/contract/review.views';
import { describeApiFailure } from '../../api/client';
import { formatCount, plural } from '../../components/format';
import { valueForInput } from './review-format';

/**
 * A native modal dialog: focus moves in and is trapped, Escape closes it, focus returns where it
 * was. Opened on mount, so the desk renders one only while it is wanted.
 */
const Modal = ({
  label,
  testId,
  onClose,
  children,
}: {
  label: string;
  testId: string;
  onClose(): void;
  children: ReactNode;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // showModal focuses the first control; a dialog names a better one with data-autofocus
    // (React's autoFocus runs before the dialog opens, and showModal would override it).
    const preferred = dialog.querySelector('[data-autofocus]');
    if (preferred instanceof HTMLElement) preferred.focus();
    return () => {
      if (dialog.open) dialog.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="desk-dialog"
      aria-label={label}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {children}
    </dialog>
  );
};

// Correct ------------------------------------------------------------------------------------------

type SchemaField = CorrectionSchemaView['fields'][number];

/** Form text back to the field's type; undefined when the text is not a valid value of that type. */
const parseValue = (field: SchemaField, text: string): { ok: true; value: unknown } | { ok: false; error: string } => {
  if (field.type === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'Enter a number.' };
  }
  if (field.type === 'boolean') return { ok: true, value: text === 'true' };
  if (field.type === 'object' || field.type === 'array') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, error: 'Enter valid JSON.' };
    }
  }
  if (field.type === 'date' && text !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return { ok: false, error: 'Use a date such as 2026-10-31.' };
  }
  return { ok: true, value: text };
};

export const CorrectDialog = ({
  load,
  itemId,
  title,
  onSubmit,
  onClose,
}: {
  load(itemId: string): Promise<CorrectionSchemaView>;
  itemId: string;
  title: string;
  onSubmit(correctedData: Record<string, unknown>): void;
  onClose(): void;
}) => {
  const [schema, setSchema] = useState<CorrectionSchemaView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});

  useEffect(() => {
    let live = true;
    load(itemId)
      .then((s) => {
        if (!live) return;
        setSchema(s);
        setValues(Object.fromEntries(s.fields.map((f) => [f.name, valueForInput(f.current)])));
      })
      .catch((error: unknown) => {
        if (live) setProblem(describeApiFailure(error));
      });
    return () => {
      live = false;
    };
  }, [load, itemId]);

  const fields = schema?.fields ?? [];
  const changed = fields.filter((f) => (values[f.name] ?? '') !== valueForInput(f.current));
  const errors = new Map(
    changed.flatMap((f) => {
      const parsed = parseValue(f, values[f.name] ?? '');
      return parsed.ok ? [] : [[f.name, parsed.error] as const];
    }),
  );
  const missing = fields.filter((f) => f.required && f.current !== null && (values[f.name] ?? '') === '');

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (changed.length === 0 || errors.size > 0 || missing.length > 0) return;
    const correctedData: Record<string, unknown> = {};
    for (const f of changed) {
      const parsed = parseValue(f, values[f.name] ?? '');
      if (parsed.ok) correctedData[f.name] = parsed.value;
    }
    onSubmit(correctedData);
  };

  return (
    <Modal label={`Correct ${title}`} testId="correct-dialog" onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        <h2>Correct {title}</h2>
        {problem && (
          <p role="alert" className="notice notice-error">
            {problem}
          </p>
        )}
        {schema === null && !problem && <p role="status">Loading the correction form…</p>}
        {schema?.notice && (
          <p className="notice notice-info" data-testid="correct-notice">
            {schema.notice}
          </p>
        )}
        {fields.map((f, i) => (
          <label key={f.name} className="field field-wide">
            <span>
              {f.label}
              {f.required && ' (required)'}
            </span>
            {f.type === 'boolean' ? (
              <select
                data-testid={`correct-field-${f.name}`}
                value={values[f.name] ?? ''}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              >
                <option value="">Not set</option>
                <option value="true">Yes</option>
                <option value="false">No</option>
              </select>
            ) : (
              <input
                data-testid={`correct-field-${f.name}`}
                // The first field takes focus: type the fix, Enter submits.
                autoFocus={i === 0}
                type="text"
                inputMode={f.type === 'number' ? 'decimal' : undefined}
                value={values[f.name] ?? ''}
                aria-invalid={errors.has(f.name)}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            )}
            {errors.has(f.name) && <span className="field-error">{errors.get(f.name)}</span>}
          </label>
        ))}
        <section aria-label="Changes" className="diff" data-testid="correct-diff" aria-live="polite">
          {changed.length === 0 ? (
            <p className="muted">No changes yet: edit a value to correct it.</p>
          ) : (
            <ul>
              {changed.map((f) => (
                <li key={f.name}>
                  <strong>{f.label}</strong>: <del>{valueForInput(f.current) || 'empty'}</del> →{' '}
                  <ins>{values[f.name] || 'empty'}</ins>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            data-testid="correct-submit"
            disabled={changed.length === 0 || errors.size > 0 || missing.length > 0}
          >
            Submit correction
          </button>
        </div>
      </form>
    </Modal>
  );
};

// Reject -------------------------------------------------------------------------------------------

export const RejectDialog = ({
  count,
  title,
  onSubmit,
  onClose,
}: {
  /** Items this rejection covers (a batch names how many). */
  count: number;
  title: string;
  onSubmit(reasonCode: RejectReasonCode, reasonText: string | undefined): void;
  onClose(): void;
}) => {
  const [code, setCode] = useState<RejectReasonCode | null>(null);
  const [text, setText] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (code === null) return;
    onSubmit(code, text.trim() === '' ? undefined : text.trim());
  };
  const heading = count > 1 ? `Reject ${formatCount(count)} items` : `Reject ${title}`;
  return (
    <Modal label={heading} testId="reject-dialog" onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        <h2>{heading}</h2>
        <fieldset>
          <legend>Reason (required; number keys pick one)</legend>
          {REJECT_REASON_CODES.map((c, i) => (
            <label key={c} className="radio">
              <input
                type="radio"
                name="reject-reason"
                value={c}
                required
                data-autofocus={i === 0 ? true : undefined}
                checked={code === c}
                data-testid={`reject-reason-${c}`}
                onChange={() => setCode(c)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    e.currentTarget.form?.requestSubmit();
                    return;
                  }
                  const n = Number(e.key);
                  const pick = REJECT_REASON_CODES[n - 1];
                  if (Number.isInteger(n) && pick) {
                    e.preventDefault();
                    setCode(pick);
                    // Focus follows the pick, so Tab then leaves the group for the details box.
                    const picked = e.currentTarget.form?.elements.namedItem('reject-reason');
                    if (picked instanceof RadioNodeList) {
                      const target = [...picked].find((r) => r instanceof HTMLInputElement && r.value === pick);
                      if (target instanceof HTMLInputElement) target.focus();
                    }
                  }
                }}
              />{' '}
              {i + 1}. {REJECT_REASON_LABELS[c]}
            </label>
          ))}
        </fieldset>
        <label className="field field-wide">
          <span>Details (optional)</span>
          <textarea
            data-testid="reject-text"
            maxLength={1500}
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              // Enter in the text submits (Shift+Enter for a new line), like the rest of the form.
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </label>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-danger" data-testid="reject-submit" disabled={code === null}>
            {count > 1 ? `Reject ${formatCount(count)} items` : 'Reject'}
          </button>
        </div>
      </form>
    </Modal>
  );
};

// Batch approve ------------------------------------------------------------------------------------

export const BatchApproveDialog = ({
  count,
  onConfirm,
  onClose,
}: {
  count: number;
  onConfirm(): void;
  onClose(): void;
}) => (
  <Modal label="Approve the picked items" testId="batch-confirm-dialog" onClose={onClose}>
    <form
      className="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm();
      }}
    >
      <h2>
        Approve <span data-testid="batch-count">{formatCount(count)}</span> {plural(count, 'item', 'items')}?
      </h2>
      <p>
        Every extracted value of {plural(count, 'this item', 'these items')} is accepted as stated. You can undo for 10
        seconds, until the decision is sent.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="batch-confirm" data-autofocus>
          Approve {formatCount(count)} {plural(count, 'item', 'items')}
        </button>
      </div>
    </form>
  </Modal>
);

// Shortcuts ----------------------------------------------------------------------------------------

export const SHORTCUTS: readonly [string, string][] = [
  ['j or ↓', 'Next item'],
  ['k or ↑', 'Previous item'],
  ['a', 'Approve and go to the next item'],
  ['c', 'Correct the values'],
  ['r', 'Reject with a reason'],
  ['u', 'Undo the last decision (within 10 s, before it is sent)'],
  ['e', 'Jump to the evidence of the next field'],
  ['v', 'Reveal the hidden confidence'],
  ['x', 'Pick or unpick the item for a batch'],
  ['Shift+A', 'Approve the picked items'],
  ['Shift+R', 'Reject the picked items'],
  ['p', 'Print the item'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close a dialog'],
];

export const ShortcutSheet = ({ onClose }: { onClose(): void }) => (
  <Modal label="Keyboard shortcuts" testId="shortcut-sheet" onClose={onClose}>
    <h2>Keyboard shortcuts</h2>
    <table className="shortcuts">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {SHORTCUTS.map(([key, action]) => (
          <tr key={key}>
            <td>
              <kbd>{key}</kbd>
            </td>
            <td>{action}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <div className="dialog-actions">
      <button type="button" className="button" onClick={onClose} data-autofocus>
        Close
      </button>
    </div>
  </Modal>
);
