// Safe points: where a running cell takes the front end's comm messages (a slider moved during
// `run.fit` or a loop). Cells run on the session's language thread, but only the kernel's shell
// thread may read the shell socket; that thread is waiting for the cell, so at a safe point the
// cell hands the work to it and waits (`LanguageThread.runOnWaiter`). A callback the messages
// start is handed back to the language thread in turn. One thread runs the language at a time.

import Kernel

extension Runtime {
    /// A safe point: applies the comm messages that arrived (a widget's onChange runs here),
    /// and sends what a running callback wrote to its output area when an update is due.
    /// Loops call it every iteration and training every batch; it looks at most every 5 ms.
    public func safePoint() {
        guard let comms = context.comms else { return }
        let now = Runtime.now()
        guard now - lastSafePoint >= 0.005 else { return }
        lastSafePoint = now
        (context as? OutputCapture)?.sendIfDue(now: now)
        languageThread.runOnWaiter { comms.processPendingEvents() }
    }
}
