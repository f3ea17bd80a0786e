// Names for the admin's script-made inputs, which come without one: the prose editor's
// editing area and Select2's autocompletes are named after their field's label, as the
// inputs the server renders are. Deferred, as a classic script: a module here, before the
// prose editor's import map, would make the browser ignore that map.
(function () {
  "use strict";

  function labelOf(field) {
    var label = field.labels && field.labels[0];
    if (label) {
      label.id = label.id || field.id + "_label";
      return label;
    }
    // A table row of an inline has no labels; the server names its inputs with aria-label.
    var text = field.getAttribute("aria-label");
    if (!text) return null;
    var name = document.getElementById(field.id + "_name") || document.createElement("span");
    name.id = field.id + "_name";
    name.hidden = true;
    name.textContent = text;
    field.after(name);
    return name;
  }

  // The Tiptap editor replaces the textarea the label is for.
  function nameProseEditor(editor, textarea) {
    var label = labelOf(textarea);
    if (!label) return;
    var props = editor.options.editorProps || {};
    editor.setOptions({
      editorProps: Object.assign({}, props, {
        attributes: Object.assign({}, props.attributes, { "aria-labelledby": label.id, "aria-multiline": "true" }),
      }),
    });
  }

  // Select2 names its box after the chosen value alone (nothing when empty): the field's
  // label goes first.
  function nameAutocomplete(container) {
    var select = container.previousElementSibling;
    if (!(select instanceof HTMLSelectElement) || !select.id) return;
    var label = labelOf(select);
    if (!label) return;
    // A box for several values (live stories' authors) types into a search field of its own.
    var search = container.querySelector(".select2-search__field");
    if (search) search.setAttribute("aria-labelledby", label.id);
    var selection = container.querySelector(".select2-selection[aria-labelledby]");
    var chosen = container.querySelector(".select2-selection__rendered");
    if (!selection || !chosen) return;
    selection.setAttribute("aria-labelledby", label.id + " " + chosen.id);
    chosen.setAttribute("aria-labelledby", label.id); // Select2 makes it a read-only textbox
  }

  document.addEventListener("prose-editor:ready", function (event) {
    nameProseEditor(event.detail.editor, event.detail.textarea);
  });
  document.querySelectorAll(".prose-editor .ProseMirror").forEach(function (element) {
    var textarea = element.closest(".prose-editor").querySelector("textarea");
    if (element.editor && textarea) nameProseEditor(element.editor, textarea);
  });

  // Select2 builds its boxes when jQuery is ready and when an inline row is added.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (!node.classList) return;
        if (node.classList.contains("select2-container")) nameAutocomplete(node);
        // Select2 draws the search field of a box for several values again after each choice.
        else if (node.closest && node.closest(".select2-container")) nameAutocomplete(node.closest(".select2-container"));
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.querySelectorAll(".select2-container").forEach(nameAutocomplete);
})();
