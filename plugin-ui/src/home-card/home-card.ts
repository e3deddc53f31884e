import { HomeCardElement } from './home-card.component.js';

export { HomeCardElement };

if (!customElements.get('billingone-home-card')) customElements.define('billingone-home-card', HomeCardElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-home-card': HomeCardElement;
  }
}
