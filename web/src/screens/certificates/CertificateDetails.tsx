import { useEffect, useRef } from 'react';
import { Notice } from '../../ui/index.ts';
import { formatDate } from '../../ui/format.ts';
import type { ClientCertificate } from './certificates-api.ts';
import { fileNameOf } from './certificates-api.ts';
import { DeviceBundle } from './DeviceBundle.tsx';
import { PemBlock } from './PemBlock.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** The subject of a certificate as one line, most significant part first. */
function subjectOf(c: ClientCertificate): string {
  const parts: [string, string][] = [
    ['CN', c.common_name],
    ['OU', c.organizational_unit],
    ['O', c.organization],
    ['L', c.location],
    ['ST', c.state],
    ['C', c.country],
  ];
  return parts
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/**
 * One certificate: its facts, its PEM, the private key when this is the answer that
 * generated it (shown only then), and the device bundle downloads.
 */
export function CertificateDetails(props: {
  zoneId: string;
  certificate: ClientCertificate;
  /** The generated key, from the one answer that carries it. */
  privateKey?: string;
  /** Whether Portcullis holds the key; unknown for a certificate picked from the list. */
  hasKey?: boolean;
  /** Moves focus here when shown, e.g. when a form gives way to its result. */
  focusOnShow?: boolean;
}) {
  const c = props.certificate;
  const name = fileNameOf(c.common_name);
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.focusOnShow) top.current?.focus();
  }, [props.focusOnShow]);

  return (
    <div className="certificate-details" ref={top} tabIndex={-1}>
      {props.privateKey ? (
        <Notice tone="warning">
          <strong>The private key is shown only this once.</strong> Copy it or download it now:
          Portcullis will not show it again. The device bundle below also holds it.
        </Notice>
      ) : null}
      <dl className="facts">
        <dt>Subject</dt>
        <dd>{subjectOf(c) || '—'}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={c.status} />
        </dd>
        <dt>Serial number</dt>
        <dd className="mono break">{c.serial_number}</dd>
        <dt>SHA-256 fingerprint</dt>
        <dd className="mono break">{c.fingerprint_sha256}</dd>
        <dt>Valid</dt>
        <dd>
          {formatDate(c.issued_on)} to {formatDate(c.expires_on)} ({c.validity_days} days)
        </dd>
        <dt>Issued by</dt>
        <dd>{c.certificate_authority.name || c.certificate_authority.id}</dd>
      </dl>
      <div className="pem-pair">
        <PemBlock label="Certificate" text={c.certificate} fileName={`${name}.pem`} />
        {props.privateKey ? (
          <PemBlock label="Private Key" text={props.privateKey} fileName={`${name}.key`} />
        ) : null}
      </div>
      <DeviceBundle
        zoneId={props.zoneId}
        certificateId={c.id}
        {...(props.privateKey ? { hasKey: true } : props.hasKey === false ? { hasKey: false } : {})}
      />
    </div>
  );
}
