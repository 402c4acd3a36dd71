import { Notification } from 'electron';
import type { LinkAlert } from './link-alerts.js';

/** Shows a link alert as a desktop notification (where the desktop supports them). */
export function notify(alert: LinkAlert, icon?: string): void {
  if (!Notification.isSupported()) return;
  new Notification({
    title: alert.title,
    body: alert.body,
    icon,
    urgency: alert.kind === 'down' ? 'critical' : 'normal',
  }).show();
}
