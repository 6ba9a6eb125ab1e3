// What the story form's scripts (article_autosave.js, article_mentions.js)
// share: starting once the page is parsed, reading a field of the form, and
// POSTing to the desk's endpoints as the form itself would, with its CSRF
// token (Django's check reads it from the X-CSRFToken header). Loaded before
// them by templates/admin/articles/article/change_form.html.
window.storyForm = (function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function value(form, name) {
    var field = form.querySelector("[name=" + name + "]");
    return field ? field.value : "";
  }

  function csrfToken(form) {
    return value(form, "csrfmiddlewaretoken");
  }

  function post(form, url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form) },
    });
  }

  return { ready: ready, value: value, csrfToken: csrfToken, post: post };
})();
