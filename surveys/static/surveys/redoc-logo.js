/* Redoc (the API's documentation, /api/v1/docs/) ends its menu with "API docs by Redocly" and
   Redocly's logo from https://cdn.redoc.ly/, whatever its options say (Redoc 2.5 has none for it).
   The site's Content-Security-Policy refuses images from other sites, and many readers could not
   reach that CDN anyway: either way every visit logged an error. Loaded before Redoc, this leaves
   out that one image, however its address is given (the link and its words stay); every other
   image's address is set as asked. */
(function () {
  "use strict";
  var CDN = /^https:\/\/cdn\.redoc\.ly\//;
  function fromCdn(image, value) {
    if (!CDN.test(String(value))) return false;
    image.hidden = true; // no address: nothing is fetched, and nothing is shown in its place
    return true;
  }
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (!fromCdn(this, value)) src.set.call(this, value);
    }
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && fromCdn(this, value)) return;
    return setAttribute.call(this, name, value);
  };
})();
