/** The dashboard's shared UI pieces; screens import them from here. */
export { Button, IconButton, type ButtonProps } from './Button.tsx';
export { Card } from './Card.tsx';
export { CopyButton } from './CopyButton.tsx';
export { Dialog, type DialogProps } from './Dialog.tsx';
export { ErrorBanner, Notice } from './ErrorBanner.tsx';
export { FormField } from './FormField.tsx';
export { FormFooter } from './FormFooter.tsx';
export { InlineConfirm } from './InlineConfirm.tsx';
export * from './icons.tsx';
export { Loading, Spinner } from './Spinner.tsx';
export { CursorPagination, PagesOf, Pagination, Table, type Column } from './Table.tsx';
export { TabLinks } from './Tabs.tsx';
export { Toggle } from './Toggle.tsx';
export { useAsync, type AsyncState } from './use-async.ts';
