#include "repositorycollector.h"

#include "githubclient.h"
#include "taskstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCollector, "hookme.collector", QtInfoMsg)

namespace hookme {

namespace {

// A long listing logs its progress every this many pages.
constexpr int logEveryPages = 10;

// What kind of content a cached answer holds. Change the version when the reduction changes,
// so that no stored content of the old shape is reused.
const QString issuesCacheKind = u"issues/v1"_s;
const QString contributorsCacheKind = u"contributors/v1"_s;
const QString userCacheKind = u"user/v1"_s;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString encoded(const QString &pathSegment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(pathSegment));
}

// Decides whether a failed GitHub answer is worth another attempt.
Failure classify(const GitHubClient::Reply &reply, const QString &what)
{
    Failure failure;
    const int status = reply.http.status;
    if (status != 0)
        failure.httpStatus = status;

    switch (status) {
    case 401:
        failure.permanent = true;
        failure.message = u"%1: GitHub refused the configured API_TOKEN (HTTP 401)"_s.arg(what);
        qCWarning(lcCollector) << "GitHub refused the configured API_TOKEN (HTTP 401)";
        break;
    case 404:
        failure.permanent = true;
        failure.message = u"repository not found or not visible with the configured token"_s;
        break;
    case 451:
        failure.permanent = true;
        failure.message = u"%1: the repository is blocked for legal reasons (HTTP 451)"_s.arg(what);
        break;
    default:
        // Network trouble, GitHub's own 5xx and unexpected answers may pass with time; other
        // client errors would fail the same way again.
        failure.permanent = status >= 400 && status < 500 && status != 408 && status != 429;
        failure.message = u"%1: %2"_s.arg(what, reply.error);
        break;
    }
    return failure;
}

GitHubClient::Extract extractIssues()
{
    return [](const QByteArray &body) { return reduceIssuesPage(body); };
}

GitHubClient::Extract extractContributors(bool includeAnonymous)
{
    return [includeAnonymous](const QByteArray &body) {
        return reduceContributorsPage(body, includeAnonymous);
    };
}

// From GET /users/{login}: {"name": "..."} or {"name": null}.
std::optional<QByteArray> extractUserName(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return std::nullopt;
    const QJsonValue name = document.object().value("name"_L1);
    const QJsonObject reduced { { u"name"_s, name.isString() ? name : QJsonValue::Null } };
    return QJsonDocument(reduced).toJson(QJsonDocument::Compact);
}

std::optional<QString> nameIn(const QJsonValue &value)
{
    return value.isString() ? std::optional<QString>(value.toString()) : std::nullopt;
}

} // namespace

RepositoryCollector::RepositoryCollector(GitHubClient *github, TaskStore *store,
                                         const Options &options, QObject *parent)
    : QObject(parent), m_github(github), m_store(store), m_options(options)
{
}

QCoro::Task<CollectionOutcome> RepositoryCollector::collect(QString owner, QString repository)
{
    CollectionOutcome outcome;
    // Starting with the quota nearly spent would stop half-way: wait for the reset instead.
    if (const std::optional<qint64> until = m_github->blockedUntilMs(true)) {
        outcome.rateLimitedUntilMs = until;
        co_return outcome;
    }

    Report report;
    report.user = owner;
    report.repository = repository;
    const QString name = owner + u'/' + repository;
    const QString repositoryPath = u"/repos/%1/%2"_s.arg(encoded(owner), encoded(repository));

    // Issues, every page.
    QUrlQuery issuesQuery;
    issuesQuery.addQueryItem(u"state"_s, toString(m_options.issuesState));
    issuesQuery.addQueryItem(u"per_page"_s, u"100"_s);
    const QUrl issuesUrl = m_github->endpoint(repositoryPath + u"/issues"_s, issuesQuery);
    int pages = 0;
    std::function<void(const QByteArray &)> addIssues = [&](const QByteArray &page) {
        appendIssues(page, &report.issues);
        ++pages;
        const QString message = u"%1: issues page %2, %3 issues so far"_s.arg(name).arg(pages).arg(
                report.issues.size());
        emit progress(message);
        if (pages % logEveryPages == 0)
            qCInfo(lcCollector).noquote() << message;
    };
    const GitHubClient::Listing issues =
            co_await m_github->fetchAllPages(issuesUrl, issuesCacheKind, extractIssues(), addIssues);
    outcome.requests += issues.requests;
    outcome.quotaRequests += issues.quotaRequests;
    if (issues.last.rateLimitedUntilMs) {
        outcome.rateLimitedUntilMs = issues.last.rateLimitedUntilMs;
        co_return outcome;
    }
    if (!issues.complete && issues.last.http.status == 410) {
        report.issues.clear();
        report.warnings.append({ u"issues"_s, u"issues are disabled for this repository"_s });
    } else if (!issues.complete) {
        outcome.failure = classify(issues.last, u"listing issues"_s);
        co_return outcome;
    }

    // Contributors, every page.
    QUrlQuery contributorsQuery;
    contributorsQuery.addQueryItem(u"per_page"_s, u"100"_s);
    if (m_options.includeAnonymousContributors)
        contributorsQuery.addQueryItem(u"anon"_s, u"true"_s);
    const QUrl contributorsUrl =
            m_github->endpoint(repositoryPath + u"/contributors"_s, contributorsQuery);
    std::function<void(const QByteArray &)> addContributors = [&](const QByteArray &page) {
        appendContributors(page, &report.contributors);
        emit progress(u"%1: %2 contributors so far"_s.arg(name).arg(report.contributors.size()));
    };
    const GitHubClient::Listing contributors = co_await m_github->fetchAllPages(
            contributorsUrl, contributorsCacheKind,
            extractContributors(m_options.includeAnonymousContributors), addContributors);
    outcome.requests += contributors.requests;
    outcome.quotaRequests += contributors.quotaRequests;
    if (contributors.last.rateLimitedUntilMs) {
        outcome.rateLimitedUntilMs = contributors.last.rateLimitedUntilMs;
        co_return outcome;
    }
    const HttpResult &lastContributors = contributors.last.http;
    if (!contributors.complete && lastContributors.status == 403
        && lastContributors.body.contains("too large")) {
        // GitHub does not list contributors of very large repositories; asking again won't help.
        report.contributors.clear();
        report.warnings.append({ u"contributors"_s,
                                 u"GitHub does not list the contributors of this repository:"
                                 " its history or contributor list is too large"_s });
    } else if (!contributors.complete) {
        outcome.failure = classify(contributors.last, u"listing contributors"_s);
        co_return outcome;
    }

    co_await resolveNames(&report.contributors, &outcome);
    if (outcome.rateLimitedUntilMs || !outcome.failure.message.isEmpty())
        co_return outcome;

    qCInfo(lcCollector).noquote() << u"collected %1: %2 issues, %3 contributors, %4 GitHub"
                                     " requests (%5 counted against the quota)"_s
                                             .arg(name)
                                             .arg(report.issues.size())
                                             .arg(report.contributors.size())
                                             .arg(outcome.requests)
                                             .arg(outcome.quotaRequests);
    outcome.report = std::move(report);
    co_return outcome;
}

QCoro::Task<> RepositoryCollector::resolveNames(QList<ReportContributor> *contributors,
                                                CollectionOutcome *outcome)
{
    // Names cached recently enough need no request at all.
    QList<qsizetype> pending;
    for (qsizetype i = 0; i < contributors->size(); ++i) {
        ReportContributor &contributor = (*contributors)[i];
        if (!contributor.login)
            continue;  // anonymous: GitHub gave the name with the listing
        if (auto cached = m_store->cachedName(*contributor.login,
                                              now() - m_options.nameCacheTtlMs)) {
            contributor.name = cached->name;
            continue;
        }
        pending.append(i);
    }

    // GraphQL needs a token; it answers many logins at once. What it cannot resolve (bots,
    // organisations) goes to REST below.
    if (m_github->hasToken() && !pending.isEmpty()) {
        pending = co_await resolveNamesByGraphQL(contributors, pending, outcome);
        if (outcome->rateLimitedUntilMs || !outcome->failure.message.isEmpty())
            co_return;
    }

    for (const qsizetype index : pending) {
        ReportContributor &contributor = (*contributors)[index];
        const QUrl url = m_github->endpoint(u"/users/"_s + encoded(*contributor.login));
        const GitHubClient::Reply user = co_await m_github->get(url, userCacheKind,
                                                                 extractUserName);
        outcome->requests += user.requests;
        outcome->quotaRequests += user.quotaRequests;
        if (user.rateLimitedUntilMs) {
            outcome->rateLimitedUntilMs = user.rateLimitedUntilMs;
            co_return;
        }
        if (user.http.status == 404) {
            contributor.name = std::nullopt;  // the account is gone since it contributed
        } else if (user.ok()) {
            contributor.name = nameIn(QJsonDocument::fromJson(user.content)["name"_L1]);
        } else {
            outcome->failure = classify(user, u"looking up user %1"_s.arg(*contributor.login));
            outcome->failure.permanent = false;  // one user's trouble is not the repository's
            co_return;
        }
        m_store->storeName(*contributor.login, contributor.name, now());
        emit progress(u"looked up the name of %1"_s.arg(*contributor.login));
    }
}

QCoro::Task<QList<qsizetype>>
RepositoryCollector::resolveNamesByGraphQL(QList<ReportContributor> *contributors,
                                           QList<qsizetype> pending, CollectionOutcome *outcome)
{
    QList<qsizetype> unresolved;
    for (qsizetype start = 0; start < pending.size(); start += namesPerQuery) {
        const QList<qsizetype> batch = pending.mid(start, namesPerQuery);

        // Logins travel as variables, never spliced into the query text.
        QStringList parameters;
        QStringList fields;
        QJsonObject variables;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            parameters.append(u"$l%1: String!"_s.arg(i));
            fields.append(u"u%1: user(login: $l%1) { login name }"_s.arg(i));
            variables.insert(u"l%1"_s.arg(i), *contributors->at(batch.at(i)).login);
        }
        const QByteArray query = u"query(%1) { %2 }"_s.arg(parameters.join(u", "_s),
                                                           fields.join(u' '))
                                         .toUtf8();

        const GitHubClient::Reply reply = co_await m_github->graphql(query, variables);
        outcome->requests += reply.requests;
        outcome->quotaRequests += reply.quotaRequests;
        if (reply.rateLimitedUntilMs) {
            outcome->rateLimitedUntilMs = reply.rateLimitedUntilMs;
            co_return unresolved;
        }

        // Without usable data, REST answers the whole batch.
        const QJsonObject data = QJsonDocument::fromJson(reply.content)["data"_L1].toObject();
        if (!reply.ok() || data.isEmpty()) {
            qCDebug(lcCollector).noquote() << "GraphQL could not resolve names:" << reply.error;
            unresolved.append(batch);
            continue;
        }
        for (qsizetype i = 0; i < batch.size(); ++i) {
            const QJsonValue user = data.value(u"u%1"_s.arg(i));
            ReportContributor &contributor = (*contributors)[batch.at(i)];
            if (!user.isObject()) {
                unresolved.append(batch.at(i));
                continue;
            }
            contributor.name = nameIn(user["name"_L1]);
            m_store->storeName(*contributor.login, contributor.name, now());
        }
        emit progress(u"looked up %1 names through GraphQL"_s.arg(batch.size()));
    }
    co_return unresolved;
}

} // namespace hookme
