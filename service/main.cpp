// hookme: accepts POST /tasks, collects the repository's issues and contributors from GitHub
// when the task is due, and delivers the report to WEBHOOK_URL. Settings come from the
// environment; see README.md.
//
//   hookme                      runs the service
//   hookme collect OWNER/REPO   prints one report to stdout and exits
#include "apiserver.h"
#include "collectcommand.h"
#include "datadirlock.h"
#include "githubclient.h"
#include "monitorserver.h"
#include "repositorycollector.h"
#include "settings.h"
#include "taskcommands.h"
#include "taskintake.h"
#include "taskscheduler.h"
#include "taskstore.h"
#include "webhooksender.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace hookme;

Q_LOGGING_CATEGORY(lcMain, "hookme.main", QtInfoMsg)

namespace {

int shutdownSignalPipe[2] = { -1, -1 };

void onShutdownSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(shutdownSignalPipe[0], &byte, 1);
}

// SIGTERM and SIGINT end the event loop. Everything the service promised is already in the
// store, and an attempt cut off here runs again at the next start.
void quitOnShutdownSignals(QCoreApplication *app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, shutdownSignalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(shutdownSignalPipe[1], QSocketNotifier::Read, app);
    QObject::connect(notifier, &QSocketNotifier::activated, app, [app] {
        qCInfo(lcMain) << "shutting down on a signal";
        app->quit();
    });

    struct sigaction action = {};
    action.sa_handler = onShutdownSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

// Where the webhook goes, without any credentials or query that its URL may carry.
QString redacted(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
            .toDisplayString();
}

int fail(const QString &message)
{
    std::fprintf(stderr, "hookme: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    qSetMessagePattern(u"%{time yyyy-MM-ddTHH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info"
                       "%{endif}%{if-warning}warning%{endif}%{if-critical}critical%{endif}"
                       "%{if-fatal}fatal%{endif} %{category}: %{message}"_s);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"hookme"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(HOOKME_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Delivers snapshots of GitHub repositories to a webhook.\n"
            "Settings come from environment variables; see README.md."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"command"_s,
                                 u"Nothing to run the service, or \"collect OWNER/REPO\" to print"
                                 " one report to stdout and exit."_s,
                                 u"[collect OWNER/REPO]"_s);
    parser.process(app);
    const QStringList arguments = parser.positionalArguments();
    const bool collectCommand = !arguments.isEmpty() && arguments.first() == "collect"_L1;
    if (!arguments.isEmpty() && (!collectCommand || arguments.size() != 2))
        return fail(u"usage: hookme [collect OWNER/REPO]"_s);

    QString error;
    const std::optional<Settings> settings = Settings::fromEnvironment(
            QProcessEnvironment::systemEnvironment(), &error,
            collectCommand ? Settings::Purpose::Collection : Settings::Purpose::Service);
    if (!settings)
        return fail(error);
    if (collectCommand) {
        // The service's info lines would mix with the command's progress.
        QLoggingCategory::setFilterRules(u"hookme.*.info=false"_s);
        return runCollectCommand(*settings, arguments.at(1));
    }

    // One process per SQLite file: two would run the same tasks twice.
    if (!QDir().mkpath(settings->dataDir))
        return fail(u"DATA_DIR: cannot create %1"_s.arg(settings->dataDir));
    DataDirLock lock;
    if (!lock.tryLock(settings->dataDir))
        return fail(u"DATA_DIR: %1"_s.arg(lock.errorString()));

    TaskStore store;
    if (!store.open(settings->databasePath()))
        return fail(u"database: %1"_s.arg(store.lastError()));

    QNetworkAccessManager network;
    GitHubClient github(&network, &store,
                        { settings->apiUrl, settings->apiToken, settings->githubTimeoutMs,
                          settings->githubMaxConcurrency, settings->githubQuotaReserve });
    RepositoryCollector collector(&github, &store,
                                  { settings->issuesState, settings->includeAnonymousContributors,
                                    settings->nameCacheTtlMs });
    WebhookSender sender(&network, settings->webhookUrl, settings->webhookTimeoutMs,
                         WebhookSignature(settings->webhookSecrets));
    TaskScheduler scheduler(&store, &collector, &sender, *settings);
    TaskIntake intake(&store, *settings);
    QObject::connect(&intake, &TaskIntake::tasksCreated, &scheduler, &TaskScheduler::wake);

    TaskCommands commands(&store);
    QObject::connect(&commands, &TaskCommands::taskChanged, &scheduler, &TaskScheduler::wake);

    ApiServer api(&store, &intake, &commands, *settings);
    if (!api.listen(settings->listenAddress, settings->port)) {
        return fail(u"PORT: cannot listen on %1:%2: %3"_s.arg(settings->listenAddress.toString())
                            .arg(settings->port)
                            .arg(api.errorString()));
    }

    // The monitor socket, and the facts it passes on (docs/monitor-protocol.md). It listens
    // before the start-up line, so whoever waits for that line can connect at once.
    MonitorServer monitor(&store, &commands, *settings);
    QObject::connect(&intake, &TaskIntake::taskAccepted, &monitor,
                     &MonitorServer::publishTaskAccepted);
    QObject::connect(&intake, &TaskIntake::requestDeduplicated, &monitor,
                     &MonitorServer::publishRequestDeduplicated);
    QObject::connect(&intake, &TaskIntake::requestThrottled, &monitor,
                     &MonitorServer::publishRequestThrottled);
    QObject::connect(&scheduler, &TaskScheduler::attemptStarted, &monitor,
                     &MonitorServer::publishTaskChanged);
    QObject::connect(&scheduler, &TaskScheduler::attemptRecorded, &monitor,
                     &MonitorServer::publishAttemptFinished);
    QObject::connect(&scheduler, &TaskScheduler::attemptDeferred, &monitor,
                     &MonitorServer::publishTaskDeferred);
    QObject::connect(&commands, &TaskCommands::taskChanged, &monitor,
                     &MonitorServer::publishTaskChanged);
    QObject::connect(&github, &GitHubClient::rateLimitObserved, &monitor,
                     &MonitorServer::publishRateLimit);
    if (!monitor.listen(settings->monitorSocket)) {
        return fail(u"MONITOR_SOCKET: cannot listen on %1: %2"_s.arg(settings->monitorSocket,
                                                                     monitor.errorString()));
    }
    qCInfo(lcMain).noquote() << u"monitor socket %1"_s.arg(monitor.fullServerName());

    qCInfo(lcMain).noquote() << u"hookme %1 listening on %2:%3"_s.arg(
            QCoreApplication::applicationVersion(), settings->listenAddress.toString())
                                        .arg(api.port());
    qCInfo(lcMain).noquote() << u"GitHub API %1 (%2), webhook %3, first run after %4 ms, %5"
                                " retries every %6 ms"_s
                                        .arg(settings->apiUrl.toDisplayString(),
                                             settings->apiToken.isEmpty() ? u"anonymous"_s
                                                                          : u"token set"_s,
                                             redacted(settings->webhookUrl))
                                        .arg(settings->scheduleIntervalMs)
                                        .arg(settings->retryMaxAttempts)
                                        .arg(settings->rescheduleIntervalMs);
    // Says whether deliveries are signed, never with what.
    qCInfo(lcMain).noquote() << u"deliveries %1; retry backoff %2 (at most %3 ms);"
                                " failure notifications %4"_s
                                        .arg(settings->webhookSecrets.isEmpty()
                                                     ? u"unsigned (no WEBHOOK_SECRET)"_s
                                                     : u"signed with %1 secret(s)"_s.arg(
                                                               settings->webhookSecrets.size()),
                                             toString(settings->retryBackoff))
                                        .arg(settings->retryMaxIntervalMs)
                                        .arg(settings->notifyFailures ? u"on"_s : u"off"_s);

    quitOnShutdownSignals(&app);
    scheduler.start();
    return app.exec();
}
