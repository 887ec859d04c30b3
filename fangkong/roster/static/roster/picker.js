// Person pickers (roster/widgets.py): the search box filters the select list's options by
// their text (name, badge number, unit). Options are hidden or shown, never built: no HTML
// is made from data here.
(function () {
  function setUp(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var select = picker.querySelector("select");
    var none = picker.querySelector("[data-picker-none]");
    if (!search || !select) return;
    search.hidden = false;
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        var match = option.value !== "" && words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = words.length > 0 && !match;
        if (!option.hidden && option.value !== "") shown.push(option);
      });
      if (shown.length === 1) select.value = shown[0].value;
      if (none) none.hidden = shown.length > 0;
    });
  }
  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
