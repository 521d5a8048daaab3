/*
 * 公示网站的脚本：没有它，网站照常可读，只是少了下面两点。
 *
 * 打印：打印前展开折叠的说明（记录文件和提交），打印件上不缺内容。
 *
 * 公示状态：打开页面时按当天日期（北京时间）重新判断"公示中"还是"公示期已结束"。
 * 网站每天按当天日期重新生成；这里再按读者打开页面的日期判断一次，保存下来的页面或
 * 未及时更新的网站也不会把已结束的公示显示为"公示中"。不支持 JavaScript 时显示生成网站
 * 时的状态。本机日期早于生成日期时（时钟不准），以生成日期为准。
 */
(function () {
  "use strict";

  function today() {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    })
      .formatToParts(new Date())
      .forEach(function (p) {
        parts[p.type] = p.value;
      });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  function cnDate(iso) {
    var d = iso.split("-");
    return Number(d[0]) + "年" + Number(d[1]) + "月" + Number(d[2]) + "日";
  }

  function run() {
    var now = today();
    var asOf = document.querySelector("[data-as-of]");
    var built = asOf ? asOf.getAttribute("data-as-of") : "";
    var day = built > now ? built : now;

    document.querySelectorAll(".posting-status[data-end]").forEach(function (badge) {
      if (badge.getAttribute("data-end") < day) {
        badge.textContent = "公示期已结束";
        badge.classList.remove("posting-status--open");
      }
    });
    document.querySelectorAll("[data-open-until]").forEach(function (card) {
      if (card.getAttribute("data-open-until") < day) {
        card.hidden = true;
      }
    });
    document.querySelectorAll("[data-open-none]").forEach(function (note) {
      var left = document.querySelectorAll("[data-open-until]:not([hidden])").length;
      note.hidden = left > 0;
    });
    document.querySelectorAll(".open-count[data-ends]").forEach(function (cell) {
      var ends = cell.getAttribute("data-ends").split(" ").filter(Boolean);
      cell.textContent = String(
        ends.filter(function (end) {
          return end >= day;
        }).length
      );
    });
    document.querySelectorAll(".status-day").forEach(function (note) {
      note.textContent = cnDate(day);
    });
  }

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("article details").forEach(function (details) {
      details.open = true;
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
