/**
 * Offers a finished export as a download from the page itself: a Blob and a temporary link. The
 * desktop shell blocks navigations and browser-initiated downloads to remote places, and the
 * workspace server never writes exports to disk (they hold PHI), so the file exists only in the
 * page's memory until the person saves it.
 */
import type { FileSaver } from './audit-store';

export const saveFileInPage: FileSaver = ({ name, type, parts }) => {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started; the object URL can go once the click was handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};
