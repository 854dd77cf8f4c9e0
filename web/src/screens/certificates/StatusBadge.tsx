import { STATUS_LABELS, type CertificateStatus } from './certificates-api.ts';

const TONES: Record<CertificateStatus, string> = {
  active: 'badge-success',
  pending_revocation: 'badge-warning',
  revoked: 'badge-danger',
  pending_reactivation: 'badge-info',
};

/** A certificate's status in words, coloured by what it means for the device. */
export function StatusBadge(props: { status: CertificateStatus }) {
  return (
    <span className={`badge ${TONES[props.status] ?? 'badge-muted'}`}>
      {STATUS_LABELS[props.status] ?? props.status}
    </span>
  );
}
