/**
 * single-spa lifecycles. A root config registers the module as an application:
 *   registerApplication({name: 'trex', app: () => import('…/trex-workflow.js'), activeWhen, customProps})
 * customProps: endpoint, publishableKey, workflowType, locale, context, and optionally domElement (the
 * container; by default the element `#single-spa-application:<name>`, created when missing).
 */

/** @type {Map<string, HTMLElement>} */
const mounted = new Map();
const ATTRIBUTES = {
  endpoint: 'endpoint',
  publishableKey: 'publishable-key',
  workflowType: 'workflow-type',
  locale: 'locale',
};

/** @param {string} name */
function containerFor(name) {
  const id = `single-spa-application:${name}`;
  return (
    document.getElementById(id) ??
    document.body.appendChild(Object.assign(document.createElement('div'), { id }))
  );
}

export async function bootstrap() {}

/** @param {{name: string, domElement?: HTMLElement, context?: Record<string, any>} & Record<string, any>} props */
export async function mount(props) {
  const element = /** @type {HTMLElement & {context: Record<string, any>}} */ (
    document.createElement('trex-workflow')
  );
  for (const [prop, attribute] of Object.entries(ATTRIBUTES)) {
    if (props[prop]) element.setAttribute(attribute, props[prop]);
  }
  if (props.context) element.context = props.context;
  (props.domElement ?? containerFor(props.name)).append(element);
  mounted.set(props.name, element);
}

/** @param {{name: string}} props */
export async function unmount(props) {
  mounted.get(props.name)?.remove();
  mounted.delete(props.name);
}
