import { Notification } from 'electron';

export interface DesktopNotice {
  title: string;
  body: string;
  /** Stays until the operator dismisses it (where the desktop supports that). */
  urgent: boolean;
}

/** Shows a desktop notification (where the desktop supports them). */
export function notify(notice: DesktopNotice, icon?: string): void {
  if (!Notification.isSupported()) return;
  new Notification({
    title: notice.title,
    body: notice.body,
    icon,
    urgency: notice.urgent ? 'critical' : 'normal',
  }).show();
}
