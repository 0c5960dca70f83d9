/* LAG Portal: runs first, in the head, so that pages can tell whether JavaScript runs before they are
   drawn: "no-js" on <html> becomes "js". Styles then show the menu's links without Bootstrap's
   collapse, and hide the maps and the words about them, when it does not (static/css/portal.css). */
document.documentElement.classList.remove("no-js");
document.documentElement.classList.add("js");
