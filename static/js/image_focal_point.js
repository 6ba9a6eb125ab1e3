// The focal point, set by clicking the picture on the image form: the spot
// clicked becomes focal_x / focal_y (0 to 1 across and down), a marker shows
// it, and typing in the two fields moves the marker. The arrow keys move it
// too, for those who do not use a mouse. The renditions are cropped around
// it when the form is saved (articles/images.py).
(function () {
  "use strict";
  var STEP = 0.02;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  ready(function () {
    var picker = document.querySelector("[data-focal-picker]");
    var fieldX = document.getElementById("id_focal_x");
    var fieldY = document.getElementById("id_focal_y");
    if (!picker || !fieldX || !fieldY) return;
    var picture = picker.querySelector("img");
    var marker = picker.querySelector(".focal-picker__marker");

    function current(field) {
      var value = parseFloat(field.value);
      return isNaN(value) ? 0.5 : clamp(value);
    }

    function show() {
      marker.style.left = current(fieldX) * 100 + "%";
      marker.style.top = current(fieldY) * 100 + "%";
    }

    function set(x, y) {
      fieldX.value = clamp(x).toFixed(3);
      fieldY.value = clamp(y).toFixed(3);
      fieldX.dispatchEvent(new Event("change", { bubbles: true }));
      fieldY.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    }

    picture.addEventListener("click", function (event) {
      var box = picture.getBoundingClientRect();
      set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
    });

    picker.addEventListener("keydown", function (event) {
      var moves = {
        ArrowLeft: [-STEP, 0],
        ArrowRight: [STEP, 0],
        ArrowUp: [0, -STEP],
        ArrowDown: [0, STEP],
      };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      set(current(fieldX) + move[0], current(fieldY) + move[1]);
    });

    fieldX.addEventListener("input", show);
    fieldY.addEventListener("input", show);
    show();
  });
})();
