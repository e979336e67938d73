/**
 * The T-Rex microfrontend, one ES module for any host: importing it defines the
 * <trex-workflow> custom element, and it exports the single-spa lifecycles.
 *   <script type="module" src="https://trex.example/mf/v1/trex-workflow.js"></script>
 *   <trex-workflow publishable-key="pk_…"></trex-workflow>
 */
import { TrexWorkflow } from './element.js';

if (!customElements.get('trex-workflow')) customElements.define('trex-workflow', TrexWorkflow);

export { TrexWorkflow };
export { bootstrap, mount, unmount } from './single-spa.js';
