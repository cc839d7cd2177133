/** Drag-and-drop types of the Themes board (HTML5 drag and drop). */
export const CODE_MIME = "application/x-accord-code";
export const THEME_MIME = "application/x-accord-theme";
