import { useId, useState, type FormEvent } from 'react';
import {
  Button,
  Card,
  Dialog,
  ErrorBanner,
  FormField,
  FormFooter,
  Pagination,
  PlusIcon,
  Table,
  type AsyncState,
} from '../../ui/index.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatDate } from '../../ui/format.ts';
import { certificatesApi, type MtlsCertificate } from './certificates-api.ts';

const PER_PAGE = 10;

/**
 * Uploaded CAs: the account's own certificate authorities (bring your own CA), which hosts
 * may trust instead of the managed CA. Upload takes a CA certificate in PEM; a CA that a host
 * still trusts cannot be deleted, and the API says which.
 */
export function UploadedCasCard(props: { accountId: string; cas: AsyncState<MtlsCertificate[]> }) {
  const { cas } = props;
  const [page, setPage] = useState(1);
  const [uploading, setUploading] = useState(false);
  const [deleting, setDeleting] = useState<MtlsCertificate>();
  const all = cas.data ?? [];
  const totalPages = Math.max(1, Math.ceil(all.length / PER_PAGE));
  const shown = all.slice((page - 1) * PER_PAGE, page * PER_PAGE);

  return (
    <Card
      title="Uploaded CAs"
      description="Certificate authorities of your own, for devices whose certificates you issue elsewhere. A host trusts either the managed CA or one of these."
      actions={
        <Button icon={<PlusIcon />} onClick={() => setUploading(true)}>
          Upload CA
        </Button>
      }
    >
      <ErrorBanner error={cas.error} title="Cannot list the uploaded CAs" onRetry={cas.reload} />
      <Table
        caption="Uploaded CAs"
        hideCaption
        rows={shown}
        rowKey={(ca) => ca.id}
        loading={cas.loading}
        empty="No CA uploaded. The managed CA signs every certificate of this account."
        columns={[
          { header: 'Name', render: (ca) => <span className="strong">{ca.name}</span> },
          { header: 'Issuer', render: (ca) => <span className="break">{ca.issuer}</span> },
          { header: 'Expires', render: (ca) => formatDate(ca.expires_on) },
          {
            header: 'CA',
            render: (ca) => (
              <span className={`badge ${ca.ca ? 'badge-info' : 'badge-muted'}`}>
                {ca.ca ? 'CA' : 'Leaf'}
              </span>
            ),
          },
          {
            header: <span className="visually-hidden">Actions</span>,
            className: 'cell-actions',
            render: (ca) => <Button onClick={() => setDeleting(ca)}>Delete</Button>,
          },
        ]}
        pagination={
          totalPages > 1 ? (
            <Pagination
              page={page}
              totalPages={totalPages}
              totalCount={all.length}
              onPage={setPage}
            />
          ) : null
        }
      />
      {uploading ? (
        <UploadCaDialog
          accountId={props.accountId}
          onClose={() => setUploading(false)}
          onUploaded={() => {
            setUploading(false);
            cas.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete uploaded CA"
          confirmLabel="Delete"
          errorTitle="Cannot delete the CA"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await certificatesApi.deleteCa(props.accountId, deleting.id);
            cas.reload();
          }}
        >
          <p>
            Delete <strong>{deleting.name}</strong>? Certificates it issued are no longer verified
            on any host. A CA that a host still trusts cannot be deleted: move the host to another
            CA first.
          </p>
        </ConfirmDialog>
      ) : null}
    </Card>
  );
}

function UploadCaDialog(props: { accountId: string; onClose: () => void; onUploaded: () => void }) {
  const formId = useId();
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [pemError, setPemError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      setPemError('Paste the CA certificate in PEM, from -----BEGIN CERTIFICATE-----.');
      return;
    }
    setPemError(undefined);
    setBusy(true);
    setError(null);
    try {
      await certificatesApi.uploadCa(props.accountId, name.trim(), pem.trim());
      props.onUploaded();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Upload CA"
      description="A CA certificate (basicConstraints CA:TRUE) within its validity, without its private key."
      onClose={props.onClose}
      busy={busy}
      footer={
        <FormFooter formId={formId} submitLabel="Upload" busy={busy} onCancel={props.onClose} />
      }
    >
      <form id={formId} onSubmit={submit} onChange={() => setPemError(undefined)} noValidate>
        <ErrorBanner error={error} title="Cannot upload the CA" />
        <FormField label="Name" hint="Optional; the certificate's subject when left empty.">
          <input
            type="text"
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </FormField>
        <FormField
          label="CA certificate (PEM)"
          hint="An intermediate or root that issues your devices' certificates; a bundle of several is taken."
          error={pemError}
        >
          <textarea
            rows={10}
            spellCheck={false}
            value={pem}
            onChange={(e) => setPem(e.target.value)}
            placeholder="-----BEGIN CERTIFICATE-----"
          />
        </FormField>
      </form>
    </Dialog>
  );
}
