import { useId } from 'react';
import { Button, CopyButton } from '../../ui/index.ts';
import { saveText } from './certificates-api.ts';

/**
 * A PEM text to take away: a labelled read-only text area with Copy and Download under it.
 * Only the text area carries the label, so that "Private Key" names one control.
 */
export function PemBlock(props: { label: string; text: string; fileName: string; rows?: number }) {
  const id = useId();
  return (
    <div className="pem-block">
      <label id={`${id}-label`} htmlFor={`${id}-text`} className="pem-label">
        {props.label}
      </label>
      <textarea
        id={`${id}-text`}
        className="pem-text"
        readOnly
        spellCheck={false}
        rows={props.rows ?? 8}
        value={props.text}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="pem-actions">
        <CopyButton text={props.text} />
        <Button onClick={() => saveText(props.text, props.fileName)}>Download</Button>
        <span className="muted pem-file">{props.fileName}</span>
      </div>
    </div>
  );
}
