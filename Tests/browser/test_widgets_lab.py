"""Widgets in a real browser: JupyterLab with ipywidgets' front end (jupyterlab_widgets), in
headless Chromium, drives the Tensorcell kernel's widgets.

A slider is dragged with the mouse and the kernel's onChange is seen to run (its output shows
under the slider, and the variable it sets has the new value). A playground fits the notebook
(nothing in it scrolls sideways) and is played: its picture differs between two screenshots
taken while it trains, and pause stops it. Screenshots
are saved under build/browser/.
"""

from __future__ import annotations

import json
import shutil
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from jupyterlab_driver import ARTIFACTS, REPO, Page

NOTEBOOK = REPO / "Tests" / "browser" / "widgets.ipynb"
WIDGET_TIMEOUT = 60  # seconds for the widget manager to draw the models


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def wait(driver, what, condition, timeout, page):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.3).until(lambda d: condition(d))
    except Exception:  # noqa: BLE001 - any failure to appear is reported with the page
        page.failure(f"timed out after {timeout} s waiting for {what}")


def button(driver, label):
    for element in visible(driver, ".jupyter-widgets.widget-button, button.jupyter-button"):
        if element.text.strip() == label:
            return element
    return None


# The playground's boxes that scroll sideways, its picture if it is wider than its box, and its
# labels cut short: what a learner sees as scroll bars, a cut picture or "learning r…".
OVERFLOWING_SCRIPT = """
const notebook = document.querySelector('.jp-Notebook');
const image = [...notebook.querySelectorAll('.widget-image')].find(e => e.offsetParent !== null);
const playground = image ? image.closest('.widget-vbox') : null;
if (!playground) return [{missing: 'the playground'}];
const found = [playground, ...playground.querySelectorAll('.widget-box')]
  .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
  .map(box => ({box: box.className, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth}));
const shown = image.getBoundingClientRect().width, room = playground.clientWidth;
if (shown > room + 1) found.push({picture: shown, room: room});
// A label cut short ("learning r…"): ipywidgets hides what does not fit.
for (const label of playground.querySelectorAll('.widget-label')) {
  if (label.offsetParent !== null && label.scrollWidth > label.clientWidth + 1) found.push({label: label.textContent});
}
return found;
"""


def run_cell_in_kernel(page, code):
    """Runs code in the notebook's kernel without a cell, and gives its text/plain result."""
    script = """
    const done = arguments[arguments.length - 1];
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({code: arguments[0], store_history: false});
    let result = null;
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'execute_result') result = msg.content.data['text/plain'];
      if (msg.header.msg_type === 'error') result = 'error: ' + msg.content.evalue;
    };
    future.done.then(() => done(result), e => done('failed: ' + e));
    """
    return page.driver.execute_async_script(script, code)


def test_slider_drag_and_playground_in_jupyterlab(clean_lab, browser):
    shutil.copy(NOTEBOOK, clean_lab.root / NOTEBOOK.name)
    page = Page(browser, clean_lab)
    page.open(NOTEBOOK.name)
    page.run_all()
    state = page.state()
    assert state.get("errorOutputs") == 0, json.dumps(state)

    # The widget manager draws the slider (noUiSlider in @jupyter-widgets/controls 2).
    handles = wait(browser, "the slider", lambda d: visible(d, ".widget-slider .noUi-handle"), WIDGET_TIMEOUT, page)
    page.screenshot("widgets-before-drag")
    assert run_cell_in_kernel(page, "seen") == "10"
    ActionChains(browser).click_and_hold(handles[0]).move_by_offset(120, 0).release().perform()
    seen = wait(
        browser, "the kernel's onChange to run after the drag",
        lambda d: (lambda v: v if v not in ("10", None) and not v.startswith("error") else None)(run_cell_in_kernel(page, "seen")),
        WIDGET_TIMEOUT, page)
    assert int(seen) > 10
    # The callback's print shows in the output area under the slider.
    wait(browser, "the callback's output under the slider",
         lambda d: f"kernel saw {seen}" in d.find_element(By.CSS_SELECTOR, ".jp-Notebook").text, WIDGET_TIMEOUT, page)
    page.screenshot("widgets-after-drag")

    # The playground: play, two pictures that differ, pause.
    play = wait(browser, "the playground's play button", lambda d: button(d, "▶ play"), WIDGET_TIMEOUT, page)
    # It fits the notebook beside JupyterLab's file browser: no scroll bars, the picture and the
    # labels whole.
    overflowing = browser.execute_script(OVERFLOWING_SCRIPT)
    assert overflowing == [], f"parts of the playground are wider than their room: {json.dumps(overflowing)}"
    picture = visible(browser, ".widget-image")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", picture)
    play.click()
    wait(browser, "the play button to become pause", lambda d: button(d, "❚❚ pause"), WIDGET_TIMEOUT, page)
    time.sleep(1.5)
    first = picture.screenshot_as_png
    (ARTIFACTS / "playground-playing-1.png").write_bytes(first)
    time.sleep(1.5)
    second = picture.screenshot_as_png
    (ARTIFACTS / "playground-playing-2.png").write_bytes(second)
    assert first != second, "the playground's picture did not change while playing"
    page.screenshot("widgets-playground-playing")
    button(browser, "❚❚ pause").click()
    wait(browser, "pause to take", lambda d: button(d, "▶ play"), WIDGET_TIMEOUT, page)
    steps = run_cell_in_kernel(page, "pg.steps")
    time.sleep(1.0)
    assert run_cell_in_kernel(page, "pg.steps") == steps, "the playground kept training after pause"
    assert int(steps) > 50
    page.screenshot("widgets-playground-paused")
