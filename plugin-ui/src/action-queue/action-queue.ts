import { ActionQueueElement } from './action-queue.component.js';

export { ActionQueueElement };

if (!customElements.get('billingone-action-queue')) customElements.define('billingone-action-queue', ActionQueueElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-action-queue': ActionQueueElement;
  }
}
