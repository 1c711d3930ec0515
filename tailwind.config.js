/** Tailwind CSS v3 configuration for Bridgekeeper's pages.
 * Build: npx tailwindcss -c tailwind.config.js -i static/src/input.css -o static/css/app.css --minify
 * @type {import('tailwindcss').Config} */
const v = (name) => `rgb(var(--bk-${name}) / <alpha-value>)`;
const scale = (name, steps) => Object.fromEntries(steps.map((n) => [n, v(`${name}-${n}`)]));

// goCode is a Go file without its comments, so that words in comments ("grow", "hidden") do not
// become classes; string and rune literals, where class names live, are kept as they are.
const goCode = (src) => {
  let out = "";
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
      out += " ";
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && !(c !== "`" && src[j] === "\n")) j += c !== "`" && src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
};

module.exports = {
  // The templ sources and the hand-written Go of views (its code only: goCode), not the
  // generated *_templ.go nor the tests.
  content: {
    files: ["./views/**/*.templ", "./views/**/*.go", "!./views/**/*_templ.go", "!./views/**/*_test.go", "./static/js/**/*.js"],
    transform: { go: goCode },
  },
  theme: {
    extend: {
      // The colours the views use are CSS custom properties set in static/src/input.css (light
      // and dark) and, for primary and accent, by the deployment's branding. indigo is the
      // default accent, kept as a name so existing classes keep working. Other Tailwind colours
      // keep their fixed values: add a variable here (with a dark value) before using one.
      colors: {
        white: v("white"),
        slate: scale("slate", [50, 100, 200, 300, 400, 500, 600, 700, 800, 900]),
        red: scale("red", [50, 300, 700, 900]),
        sky: scale("sky", [50, 300, 950]),
        emerald: scale("emerald", [50, 700, 800]),
        indigo: { 50: v("accent-soft"), 300: v("accent-muted"), 600: v("accent"), 700: v("accent-text"), 900: v("accent-strong") },
        primary: { DEFAULT: v("primary"), hover: v("primary-hover"), active: v("primary-active") },
        "on-primary": v("on-primary"),
        accent: { DEFAULT: v("accent"), text: v("accent-text"), strong: v("accent-strong"), soft: v("accent-soft"), muted: v("accent-muted") },
      },
      fontFamily: {
        sans: [
          "ui-sans-serif",
          "system-ui",
          "-apple-system",
          "Segoe UI",
          "Roboto",
          "Helvetica Neue",
          "Arial",
          "sans-serif",
        ],
      },
    },
  },
  plugins: [],
};
