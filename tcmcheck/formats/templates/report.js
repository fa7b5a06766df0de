(function () {
  "use strict";
  var controls = document.getElementById("controls");
  if (!controls) {
    return;
  }
  var body = document.body;
  var boxes = controls.querySelectorAll("input[data-status]");
  var sort = document.getElementById("sort");

  function filter() {
    var i, j, rows, shown;
    for (i = 0; i < boxes.length; i++) {
      body.classList.toggle("hide-" + boxes[i].getAttribute("data-status"), !boxes[i].checked);
    }
    var groups = document.querySelectorAll("[data-group]");
    for (i = 0; i < groups.length; i++) {
      rows = groups[i].querySelectorAll("tr.row");
      shown = 0;
      for (j = 0; j < rows.length; j++) {
        if (window.getComputedStyle(rows[j]).display !== "none") {
          shown++;
        }
      }
      groups[i].hidden = rows.length > 0 && shown === 0;
    }
  }

  function order() {
    var key = sort.value === "status" ? "data-rank" : "data-order";
    var bodies = document.querySelectorAll("tbody.sortable");
    for (var i = 0; i < bodies.length; i++) {
      var rows = Array.prototype.slice.call(bodies[i].children);
      rows.sort(function (a, b) {
        return (+a.getAttribute(key)) - (+b.getAttribute(key)) ||
          (+a.getAttribute("data-order")) - (+b.getAttribute("data-order"));
      });
      for (var j = 0; j < rows.length; j++) {
        bodies[i].appendChild(rows[j]);
      }
    }
  }

  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("change", filter);
  }
  if (sort) {
    sort.addEventListener("change", order);
  }
  controls.hidden = false;
})();
