// Ask before leaving an admin form whose changes are not saved: typing anywhere in the form
// (the body editor included) marks it changed, saving clears the mark. A form shown again
// with errors, with crossed edits to resolve or with another editor's changes merged in holds
// unsaved work from the start.
(function () {
  "use strict";
  const form = document.querySelector("#content-main form[method=post]");
  if (!form) {
    return;
  }
  let unsaved = Boolean(document.querySelector(".errornote, .conflicts, .unsaved-merge"));
  const changed = () => {
    unsaved = true;
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    // Preview opens in another tab: the form stays, and so does its unsaved work.
    if (!event.submitter || event.submitter.formTarget !== "_blank") {
      unsaved = false;
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
