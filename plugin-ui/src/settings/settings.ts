import { SettingsElement } from './settings.component.js';

export { SettingsElement };

if (!customElements.get('billingone-settings')) customElements.define('billingone-settings', SettingsElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-settings': SettingsElement;
  }
}
