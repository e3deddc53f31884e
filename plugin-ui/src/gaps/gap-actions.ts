import { GapActionsElement } from './gap-actions.component.js';

export { GapActionsElement };

if (!customElements.get('b1r-gap-actions')) customElements.define('b1r-gap-actions', GapActionsElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-gap-actions': GapActionsElement;
  }
}
