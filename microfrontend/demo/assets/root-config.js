// The single-spa root config of the demo: registers T-Rex as an application active on #/finance.
// Both modules resolve through the page's import map: single-spa from the vendored npm package,
// T-Rex from this server.
const status = document.getElementById('app-status');

const singleSpa = await import('single-spa').catch(() => null);
if (!singleSpa) {
  status.textContent = 'unavailable: single-spa is not installed (run make, which needs npm)';
} else {
  const { registerApplication, start, getAppStatus } = singleSpa;
  const active = (location) => location.hash.startsWith('#/finance');
  registerApplication({
    name: 't-rex',
    app: () => import('@t-rex/workflow'),
    activeWhen: active,
    customProps: { endpoint: '/graphql', context: { page: '/demo/single-spa' } },
  });
  // After every route change single-spa has handled: show where the application stands.
  window.addEventListener('single-spa:routing-event', () => {
    status.textContent = getAppStatus('t-rex');
    document.getElementById('home').hidden = active(window.location);
  });
  start();
}
