import { useId } from 'react';
import { Button, CopyButton, Dialog, Notice } from '../../ui/index.ts';

/** The secret of a token just created or rolled: shown once, with Copy and a check command. */
export function TokenSecretDialog(props: {
  title: string;
  name: string;
  secret: string;
  onClose: () => void;
}) {
  const id = useId();
  const verify = `curl -s -H "Authorization: Bearer ${props.secret}" ${window.location.origin}/client/v4/user/tokens/verify`;
  return (
    <Dialog
      title={props.title}
      description={props.name}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose}>
          Done
        </Button>
      }
    >
      <Notice tone="warning">
        <strong>Copy the token now.</strong> It is shown only this once; Portcullis keeps only its
        hash. Roll the token if it is lost.
      </Notice>
      <div className="secret-row">
        <label htmlFor={`${id}-value`} className="field-label">
          Token
        </label>
        <div className="secret-value">
          <input
            id={`${id}-value`}
            type="text"
            className="mono"
            readOnly
            value={props.secret}
            onFocus={(e) => e.currentTarget.select()}
            data-autofocus
          />
          <CopyButton text={props.secret} />
        </div>
      </div>
      <p className="field-label">Check it</p>
      <pre className="command">{verify}</pre>
    </Dialog>
  );
}
