// The story budget's calendar: drag an item to another hour (day view) or
// another day (week view) to move it. A drop fills in and sends the same
// slot form that each item's "Move" link opens, so the server's rules and
// messages are the same with or without this script. Also the print
// page's "Print" button.
"use strict";

(function () {
  const form = document.getElementById("budget-move");

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  if (!form) {
    return;
  }

  let dragged = null;

  document.querySelectorAll(".budget-entry[draggable=true]").forEach((entry) => {
    entry.addEventListener("dragstart", (event) => {
      dragged = entry;
      entry.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", entry.dataset.moveUrl);
    });
    entry.addEventListener("dragend", () => {
      entry.classList.remove("is-dragging");
      document
        .querySelectorAll(".is-drop-target")
        .forEach((zone) => zone.classList.remove("is-drop-target"));
      dragged = null;
    });
  });

  document.querySelectorAll("[data-drop-date]").forEach((zone) => {
    zone.addEventListener("dragover", (event) => {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      zone.classList.add("is-drop-target");
    });
    zone.addEventListener("dragleave", (event) => {
      if (!zone.contains(event.relatedTarget)) {
        zone.classList.remove("is-drop-target");
      }
    });
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!dragged) {
        return;
      }
      const time =
        zone.dataset.dropTime === "keep"
          ? dragged.dataset.time
          : keepMinutes(zone.dataset.dropTime, dragged.dataset.time);
      form.action = dragged.dataset.moveUrl;
      form.elements.planned_date.value = zone.dataset.dropDate;
      form.elements.planned_time.value = time || "";
      zone.classList.add("is-saving");
      form.submit();
    });
  });

  // Dropped in the 09:00 row, an item planned for 07:30 goes to 09:30;
  // in the "Any time" row it loses its time.
  function keepMinutes(hour, time) {
    if (!hour) {
      return "";
    }
    const minutes = time ? time.split(":")[1] : "00";
    return `${hour.split(":")[0]}:${minutes}`;
  }
})();
