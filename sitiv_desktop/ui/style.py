"""The look of the window: one style sheet."""


def style_sheet() -> str:
    """The look: light cards on a soft background, one accent colour."""
    return """
    QWidget#side { background: #f3f5f8; }
    QLabel#sideTitle { font-weight: 600; color: #45515e; padding: 2px 4px; }
    QListWidget#communes { border: none; background: transparent; outline: 0; }
    QListWidget#communes::item { padding: 4px 8px; border-radius: 6px; }
    QListWidget#communes::item:selected { background: #1f5f99; color: white; }
    QListWidget#communes::item:hover:!selected { background: #e3e8ef; }
    QWidget#dashboard { background: #f3f5f8; }
    QFrame#card { background: white; border: 1px solid #dde3ea; border-radius: 8px; }
    QLabel#cardTitle { font-weight: 600; color: #1f5f99; font-size: 11pt; }
    QLabel#dashboardTitle { font-size: 18pt; font-weight: 600; color: #1c2733; }
    QLabel#dashboardSubtitle, QLabel#muted { color: #6b7785; }
    QLabel#panelTitle { font-size: 13pt; font-weight: 600; }
    QLabel#strong { font-weight: 600; }
    QTableView { gridline-color: #e6eaef; selection-background-color: #1f5f99; }
    QHeaderView::section { padding: 4px 6px; }
    QTabBar::tab {
        padding: 6px 14px; margin-right: 2px; color: #45515e; background: #e9edf2;
        border: 1px solid #dde3ea; border-bottom: none;
        border-top-left-radius: 6px; border-top-right-radius: 6px;
    }
    QTabBar::tab:selected { background: #f3f5f8; color: #1c2733; }
    QTabBar::tab:hover:!selected { background: #f0f3f7; }
    """
