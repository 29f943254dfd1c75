'use strict';
// Names for two boxes the admin draws with vendored scripts whose markup leaves them unnamed
// (the server-side names are surveys/admin_names.py; checked by axe, tests/browser/test_axe.py):
// - select2, the search-as-you-type account box (adding a survey's member): the text it shows
//   sits in a span with role="textbox" and no name, so a screen reader heard "read-only text";
//   it is named by the field's label;
// - SelectFilter2, the two-list picker of an account's groups and permissions: its search
//   icon is a span with an aria-label but no role, which ARIA does not allow; it is an image.
(function () {
  function nameAutocompleteBoxes() {
    document.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      const shown = document.getElementById('select2-' + select.id + '-container');
      if (!label || !shown) {
        return;
      }
      if (!label.id) {
        label.id = select.id + '-label';
      }
      shown.setAttribute('aria-labelledby', label.id);
    });
  }

  function markFilterIcons() {
    document.querySelectorAll('.selector-filter span.search-label-icon[aria-label]:not([role])')
      .forEach(function (icon) { icon.setAttribute('role', 'img'); });
  }

  // Both run after the vendored scripts have drawn: select2 on jQuery's ready, registered before
  // this deferred script; SelectFilter2 on the window's load, likewise registered before.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(nameAutocompleteBoxes);
  }
  window.addEventListener('load', markFilterIcons);
}());
