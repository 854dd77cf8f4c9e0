/** Inline icons (no icon font, no extra request). Decorative: the button around them is named. */
import type { ReactElement } from 'react';

function svg(path: ReactElement, size = 16) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {path}
    </svg>
  );
}

export const WrenchIcon = () =>
  svg(
    <path d="M10.5 2.2a3.3 3.3 0 0 0-3.9 4.3L2.3 10.8a1.3 1.3 0 0 0 1.9 1.9l4.3-4.3a3.3 3.3 0 0 0 4.3-3.9l-2 2-1.7-.4-.4-1.7z" />,
  );
export const CloseIcon = () => svg(<path d="M4 4l8 8M12 4l-8 8" />);
export const TrashIcon = () =>
  svg(<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5M7 7v4M9 7v4" />);
export const ArrowUpIcon = () => svg(<path d="M8 13V3M4 7l4-4 4 4" />);
export const ArrowDownIcon = () => svg(<path d="M8 3v10M4 9l4 4 4-4" />);
export const CopyIcon = () => svg(<path d="M5.5 5.5h7v7h-7zM3.5 10.5V3.5h7" />);
export const CheckIcon = () => svg(<path d="M3 8.5l3 3 7-7" />);
export const PlusIcon = () => svg(<path d="M8 3v10M3 8h10" />);
export const ShieldIcon = () =>
  svg(<path d="M8 1.8l5 2v4c0 3.2-2.2 5.3-5 6.4-2.8-1.1-5-3.2-5-6.4v-4z" />);
export const LockIcon = () => svg(<path d="M4 7.5h8v6H4zM5.5 7.5V5.3a2.5 2.5 0 0 1 5 0v2.2" />);
export const ServerIcon = () => svg(<path d="M2.5 3h11v4h-11zM2.5 9h11v4h-11zM5 5h.01M5 11h.01" />);
export const KeyIcon = () =>
  svg(<path d="M9.5 6.5a3 3 0 1 1 0 .01zM7.4 8.6L2.5 13.5M4 12l1.5 1.5M5.5 10.5L7 12" />);
export const ListIcon = () => svg(<path d="M5 4h8M5 8h8M5 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01" />);
export const HomeIcon = () => svg(<path d="M2.5 7.5L8 3l5.5 4.5M4 6.5V13h8V6.5" />);
/** Three linked nodes: the edges of an installation. */
export const NodesIcon = () =>
  svg(
    <path d="M8 1.7a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6zM3.5 10.2a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6zM12.5 10.2a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6zM7.2 5.1l-2.9 5.3M8.8 5.1l2.9 5.3M5.3 12h5.4" />,
  );
