// htmx under the portal's Content Security Policy (portal/settings.py): no
// eval (hx-on, js: values, trigger filters), no <script> run from swapped
// content, no inline <style> for indicators. Set here rather than in a
// <meta name="htmx-config">, which a page may need for its own settings
// (htmx reads one such tag only); htmx reads it at DOMContentLoaded, after this.
(function () {
  "use strict";
  htmx.config.allowEval = false;
  htmx.config.allowScriptTags = false;
  htmx.config.includeIndicatorStyles = false;
})();
