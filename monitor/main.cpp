// hookme-monitor: a live desktop dashboard of a hookme service's tasks, over its monitor
// socket. Usage: hookme-monitor [--socket NAME]; see README.md, "Monitor".
#include "monitorlogging.h"
#include "monitorsession.h"
#include "monitorsocketname.h"
#include "monitorwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QProcessEnvironment>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace hookme;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "hookme-monitor: %s\n", qPrintable(message));
    return 2;
}

// As the service finds its socket: MONITOR_SOCKET, else the default for DATA_DIR.
QString socketFromEnvironment()
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString socket = environment.value(u"MONITOR_SOCKET"_s).trimmed();
    if (!socket.isEmpty())
        return socket;
    const QString dataDir = environment.value(u"DATA_DIR"_s).trimmed();
    return monitor::defaultSocketName(dataDir.isEmpty() ? u"data"_s : dataDir);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"hookme"_s);
    QApplication::setApplicationName(u"hookme-monitor"_s);
    QApplication::setApplicationVersion(QStringLiteral(HOOKME_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"A live dashboard of a hookme service's tasks.\n\nWithout --socket it connects to"
            " MONITOR_SOCKET, or else to the default socket of DATA_DIR (default: data), as"
            " the service does."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ u"socket"_s, u"The service's monitor socket (its MONITOR_SOCKET)."_s,
                       u"NAME"_s });
    // For scripts/monitor-screenshot.sh: render the window to a PNG after a while, then quit.
    QCommandLineOption screenshot(u"screenshot"_s, u"Save the window to FILE and quit."_s,
                                  u"FILE"_s);
    screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotDelay(u"screenshot-delay"_s,
                                       u"Wait MS milliseconds before the screenshot."_s,
                                       u"MS"_s, u"3000"_s);
    screenshotDelay.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption select(u"select"_s, u"Show this task in the detail pane."_s, u"ID"_s);
    select.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption tab(u"tab"_s, u"Show this tab first (0 to 3)."_s, u"N"_s);
    tab.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ screenshot, screenshotDelay, select, tab });
    parser.process(app);

    const QString socket = parser.isSet(u"socket"_s) ? parser.value(u"socket"_s)
                                                      : socketFromEnvironment();
    if (const QString problem = monitor::socketNameProblem(socket); !problem.isEmpty())
        return fail(u"--socket %1, got \"%2\""_s.arg(problem, socket));
    bool delayOk = false;
    const int delayMs = parser.value(screenshotDelay).toInt(&delayOk);
    if (!delayOk || delayMs < 0)
        return fail(u"--screenshot-delay must be a whole number of milliseconds"_s);

    monitorapp::MonitorSession session(socket);
    monitorapp::MonitorWindow window(&session);
    window.show();
    session.start();

    if (parser.isSet(tab))
        window.tabs()->setCurrentIndex(parser.value(tab).toInt());
    if (parser.isSet(select)) {
        const QString taskId = parser.value(select);
        QObject::connect(&session, &monitorapp::MonitorSession::snapshotApplied, &window,
                         [&window, taskId] { window.showTask(taskId); });
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(delayMs, &window, [&window, file] {
            if (!window.grab().save(file)) {
                std::fprintf(stderr, "hookme-monitor: cannot write %s\n", qPrintable(file));
                QApplication::exit(1);
                return;
            }
            qCInfo(lcMonitorApp).noquote() << "saved the window to" << file;
            QApplication::exit(0);
        });
    }
    return app.exec();
}
