/** Tailwind CSS v3 configuration for Bridgekeeper's pages.
 * Build: npx tailwindcss -c tailwind.config.js -i static/src/input.css -o static/css/app.css --minify
 * @type {import('tailwindcss').Config} */
module.exports = {
  content: ["./views/**/*.templ", "./views/**/*.go", "!./views/**/*_templ.go", "./static/js/**/*.js"],
  theme: {
    extend: {
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
