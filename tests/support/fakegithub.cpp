// The fake GitHub REST API of the tests: routes, pagination, GitHub-shaped data and failure
// injection (see fakegithub.h).
#include "fakegithub.h"

#include "serveranswer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerRouterRule>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QRegularExpressionMatch>
#include <QTcpServer>
#include <QUrlQuery>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;
using hookme::test::ServerAnswer;

Q_LOGGING_CATEGORY(lcFakeGitHub, "hookme.test.fakegithub", QtInfoMsg)

namespace {

constexpr int rateLimit = 5000;
constexpr int defaultPerPage = 30;
constexpr int maxPerPage = 100;
constexpr qint64 issueIdBase = 3'000'000'000;  // issue ids passed 2^31 on GitHub long ago

const QString apiRoot = u"https://api.github.com"_s;
const QString webRoot = u"https://github.com"_s;
const QString defaultOwner = u"octo-org"_s;
const QString defaultRepository = u"hello-world"_s;
const QString notFoundDocumentation = u"https://docs.github.com/rest"_s;

// Catches every request that no other route took; registered last.
class AnyPathRule : public QHttpServerRouterRule
{
public:
    using QHttpServerRouterRule::QHttpServerRouterRule;

protected:
    bool matches(const QHttpServerRequest &, QRegularExpressionMatch *) const override
    {
        return true;
    }
};

// 32-bit FNV-1a: stable across runs, unlike qHash, so ids do not change between test runs.
quint32 stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const char byte : text.toUtf8()) {
        hash ^= quint8(byte);
        hash *= 16777619u;
    }
    return hash;
}

// GitHub's legacy global node ids: base64 of "0<length of type>:<type><id>".
QString nodeId(QLatin1StringView type, qint64 id)
{
    const QByteArray raw = "0" + QByteArray::number(type.size()) + ":" + QByteArray(type.data())
            + QByteArray::number(id);
    return QString::fromLatin1(raw.toBase64());
}

QString encoded(const QString &pathSegment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(pathSegment));
}

QString timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

// Issue #n was opened n hours after the start of 2024, so higher numbers are newer.
QDateTime createdAt(int number)
{
    return QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(qint64(number) * 3600);
}

QString repositoryApiUrl(const QString &owner, const QString &name)
{
    return u"%1/repos/%2/%3"_s.arg(apiRoot, owner, name);
}

QString repositoryWebUrl(const QString &owner, const QString &name)
{
    return u"%1/%2/%3"_s.arg(webRoot, owner, name);
}

// The colour of GitHub's default labels; empty for other names.
QString defaultLabelColor(const QString &name)
{
    static const QHash<QString, QString> defaults {
        { u"bug"_s, u"d73a4a"_s },
        { u"documentation"_s, u"0075ca"_s },
        { u"duplicate"_s, u"cfd3d7"_s },
        { u"enhancement"_s, u"a2eeef"_s },
        { u"good first issue"_s, u"7057ff"_s },
        { u"help wanted"_s, u"008672"_s },
        { u"invalid"_s, u"e4e669"_s },
        { u"question"_s, u"d876e3"_s },
        { u"wontfix"_s, u"ffffff"_s },
    };
    return defaults.value(name);
}

// The "simple user" GitHub embeds in issues and contributors; null for no login.
QJsonValue simpleUser(const QString &login)
{
    if (login.isEmpty())
        return QJsonValue::Null;

    const qint64 id = FakeGitHub::userId(login);
    const QString api = u"%1/users/%2"_s.arg(apiRoot, encoded(login));
    return QJsonObject {
        { u"login"_s, login },
        { u"id"_s, id },
        { u"node_id"_s, nodeId("User"_L1, id) },
        { u"avatar_url"_s, u"https://avatars.githubusercontent.com/u/%1?v=4"_s.arg(id) },
        { u"gravatar_id"_s, u""_s },
        { u"url"_s, api },
        { u"html_url"_s, u"%1/%2"_s.arg(webRoot, encoded(login)) },
        { u"followers_url"_s, api + u"/followers"_s },
        { u"following_url"_s, api + u"/following{/other_user}"_s },
        { u"gists_url"_s, api + u"/gists{/gist_id}"_s },
        { u"starred_url"_s, api + u"/starred{/owner}{/repo}"_s },
        { u"subscriptions_url"_s, api + u"/subscriptions"_s },
        { u"organizations_url"_s, api + u"/orgs"_s },
        { u"repos_url"_s, api + u"/repos"_s },
        { u"events_url"_s, api + u"/events{/privacy}"_s },
        { u"received_events_url"_s, api + u"/received_events"_s },
        { u"type"_s, login.endsWith(u"[bot]"_s) ? u"Bot"_s : u"User"_s },
        { u"site_admin"_s, false },
    };
}

// Points the repository-dependent URLs of an issue or pull request at owner/name. Only keys
// that are present are touched, so hand-made sparse objects stay sparse.
void pointAt(QJsonObject &item, const QString &owner, const QString &name)
{
    const QString api = repositoryApiUrl(owner, name);
    if (item.value(u"repository_url"_s).toString() == api)
        return;

    const QString web = repositoryWebUrl(owner, name);
    const int number = item.value(u"number"_s).toInt();
    const bool pullRequest = item.contains(u"pull_request"_s);
    const QString issueApi = u"%1/issues/%2"_s.arg(api).arg(number);
    const auto set = [&item](const QString &key, const QString &value) {
        if (item.contains(key))
            item.insert(key, value);
    };

    set(u"url"_s, issueApi);
    set(u"repository_url"_s, api);
    set(u"labels_url"_s, issueApi + u"/labels{/name}"_s);
    set(u"comments_url"_s, issueApi + u"/comments"_s);
    set(u"events_url"_s, issueApi + u"/events"_s);
    set(u"timeline_url"_s, issueApi + u"/timeline"_s);
    set(u"html_url"_s, u"%1/%2/%3"_s.arg(web, pullRequest ? u"pull"_s : u"issues"_s).arg(number));

    if (item.value(u"reactions"_s).isObject()) {
        QJsonObject reactions = item.value(u"reactions"_s).toObject();
        reactions.insert(u"url"_s, issueApi + u"/reactions"_s);
        item.insert(u"reactions"_s, reactions);
    }

    if (item.value(u"pull_request"_s).isObject()) {
        QJsonObject marker = item.value(u"pull_request"_s).toObject();
        const QString pullWeb = u"%1/pull/%2"_s.arg(web).arg(number);
        marker.insert(u"url"_s, u"%1/pulls/%2"_s.arg(api).arg(number));
        marker.insert(u"html_url"_s, pullWeb);
        marker.insert(u"diff_url"_s, pullWeb + u".diff"_s);
        marker.insert(u"patch_url"_s, pullWeb + u".patch"_s);
        item.insert(u"pull_request"_s, marker);
    }

    if (item.value(u"labels"_s).isArray()) {
        QJsonArray labels = item.value(u"labels"_s).toArray();
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (!labels.at(i).isObject())
                continue;
            QJsonObject label = labels.at(i).toObject();
            if (label.contains(u"url"_s)) {
                const QString labelName = label.value(u"name"_s).toString();
                label.insert(u"url"_s, u"%1/labels/%2"_s.arg(api, encoded(labelName)));
            }
            labels.replace(i, label);
        }
        item.insert(u"labels"_s, labels);
    }
}

// The issue shape of the listing; pull requests are issues with a "pull_request" marker.
QJsonObject issueObject(const QString &owner, const QString &name, int number,
                        const QString &title, const QJsonValue &user, const QJsonArray &labels,
                        const QString &state, bool pullRequest, const QJsonValue &body)
{
    const QString api = repositoryApiUrl(owner, name);
    const QString web = repositoryWebUrl(owner, name);
    const QString issueApi = u"%1/issues/%2"_s.arg(api).arg(number);
    const qint64 id = issueIdBase + number;
    const QDateTime created = createdAt(number);
    const bool closed = state == u"closed"_s;
    const QJsonValue closedAt = closed ? QJsonValue(timestamp(created.addDays(1)))
                                       : QJsonValue(QJsonValue::Null);

    QJsonObject issue {
        { u"url"_s, issueApi },
        { u"repository_url"_s, api },
        { u"labels_url"_s, issueApi + u"/labels{/name}"_s },
        { u"comments_url"_s, issueApi + u"/comments"_s },
        { u"events_url"_s, issueApi + u"/events"_s },
        { u"html_url"_s,
          u"%1/%2/%3"_s.arg(web, pullRequest ? u"pull"_s : u"issues"_s).arg(number) },
        { u"id"_s, id },
        { u"node_id"_s, nodeId("Issue"_L1, id) },
        { u"number"_s, number },
        { u"title"_s, title },
        { u"user"_s, user },
        { u"labels"_s, labels },
        { u"state"_s, state },
        { u"locked"_s, false },
        { u"assignee"_s, QJsonValue::Null },
        { u"assignees"_s, QJsonArray() },
        { u"milestone"_s, QJsonValue::Null },
        { u"comments"_s, number % 5 },
        { u"created_at"_s, timestamp(created) },
        { u"updated_at"_s, timestamp(created.addSecs(1800)) },
        { u"closed_at"_s, closedAt },
        { u"author_association"_s, user.isNull() ? u"NONE"_s : u"CONTRIBUTOR"_s },
        { u"active_lock_reason"_s, QJsonValue::Null },
        { u"body"_s, body },
        { u"reactions"_s,
          QJsonObject {
                  { u"url"_s, issueApi + u"/reactions"_s },
                  { u"total_count"_s, 0 },
                  { u"+1"_s, 0 },
                  { u"-1"_s, 0 },
                  { u"laugh"_s, 0 },
                  { u"hooray"_s, 0 },
                  { u"confused"_s, 0 },
                  { u"heart"_s, 0 },
                  { u"rocket"_s, 0 },
                  { u"eyes"_s, 0 },
          } },
        { u"timeline_url"_s, issueApi + u"/timeline"_s },
        { u"performed_via_github_app"_s, QJsonValue::Null },
        { u"state_reason"_s,
          closed && !pullRequest ? QJsonValue(u"completed"_s) : QJsonValue(QJsonValue::Null) },
    };

    if (pullRequest) {
        const QString pullWeb = u"%1/pull/%2"_s.arg(web).arg(number);
        issue.insert(u"draft"_s, false);
        issue.insert(u"pull_request"_s,
                     QJsonObject {
                             { u"url"_s, u"%1/pulls/%2"_s.arg(api).arg(number) },
                             { u"html_url"_s, pullWeb },
                             { u"diff_url"_s, pullWeb + u".diff"_s },
                             { u"patch_url"_s, pullWeb + u".patch"_s },
                             { u"merged_at"_s, closedAt },
                     });
    }
    return issue;
}

QJsonObject labelObject(const QString &owner, const QString &repository, const QString &name)
{
    const qint64 id = 1'000'000'000 + stableHash(name) % 1'000'000'000;
    const QString url = u"%1/labels/%2"_s.arg(repositoryApiUrl(owner, repository), encoded(name));
    const bool isDefault = !defaultLabelColor(name).isEmpty();
    const QString color = isDefault
            ? defaultLabelColor(name)
            : u"%1"_s.arg(stableHash(name) & 0xffffff, 6, 16, QChar(u'0'));

    return QJsonObject {
        { u"id"_s, id },
        { u"node_id"_s, nodeId("Label"_L1, id) },
        { u"url"_s, url },
        { u"name"_s, name },
        { u"color"_s, color },
        { u"default"_s, isDefault },
        { u"description"_s, QJsonValue::Null },
    };
}

QJsonArray labelArray(const QString &owner, const QString &repository, const QStringList &names)
{
    QJsonArray labels;
    for (const QString &name : names)
        labels.append(labelObject(owner, repository, name));
    return labels;
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    const char *key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArray("UNKNOWN");
}

QString pathAndQuery(const QUrl &url)
{
    QString text = url.path(QUrl::FullyEncoded);
    if (url.hasQuery())
        text += u'?' + url.query(QUrl::FullyEncoded);
    return text;
}

// A positive integer query parameter; `fallback` when absent or malformed.
int positiveParameter(const QUrlQuery &query, const QString &key, int fallback)
{
    bool ok = false;
    const int value = query.queryItemValue(key).toInt(&ok);
    return ok && value > 0 ? value : fallback;
}

// GitHub's JSON error body, keys in GitHub's order (QJsonObject would sort them).
QByteArray errorBody(const QString &message, const QString &documentationUrl)
{
    const auto quoted = [](const QString &text) {
        const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2);  // strip [ and ]
    };
    return "{\"message\":" + quoted(message) + ",\"documentation_url\":"
            + quoted(documentationUrl) + "}";
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return u"Problems parsing JSON"_s;
    case 401:
        return u"Bad credentials"_s;
    case 403:
        return u"Forbidden"_s;
    case 404:
        return u"Not Found"_s;
    case 409:
        return u"Conflict"_s;
    case 410:
        return u"Gone"_s;
    case 422:
        return u"Validation Failed"_s;
    case 429:
        return u"You have exceeded a secondary rate limit. Please wait a few minutes before "
               "you try again."_s;
    case 500:
        return u"Server Error"_s;
    case 502:
        return u"Server Error"_s;
    case 503:
        return u"Service Unavailable"_s;
    case 504:
        return u"We couldn't respond to your request in time. Sorry about that. Please try "
               "resubmitting your request and contact us if the problem persists."_s;
    default:
        return u"Error %1"_s.arg(status);
    }
}

} // namespace

// Per repository: owner, name and id, the items serialised once (serialising is what costs when
// serving big repositories), and the positions of the open and closed issues for `state`.
struct FakeGitHub::Repository {
    FakeRepository data;  // without issues and contributors, which are in the lists below
    QList<QByteArray> issues;
    QList<QByteArray> contributors;
    QList<int> all;
    QList<int> open;
    QList<int> closed;
    QList<int> allContributors;
};

QByteArray FakeGitHub::RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FakeGitHub::FakeGitHub(QObject *parent)
    : QObject(parent)
    , m_server(new QHttpServer(this))
    , m_rateLimitReset(QDateTime::currentSecsSinceEpoch() + 3600)
{
    using Method = QHttpServerRequest::Method;

    m_server->route(u"/repos/<arg>/<arg>/issues"_s, Method::Get,
                    [this](const QString &owner, const QString &name,
                           const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        handleIssues(repositoryByName(owner, name), request,
                                     std::move(responder));
                    });
    m_server->route(u"/repositories/<arg>/issues"_s, Method::Get,
                    [this](const QString &id, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder) {
                        handleIssues(repositoryById(id), request, std::move(responder));
                    });

    m_server->route(u"/repos/<arg>/<arg>/contributors"_s, Method::Get,
                    [this](const QString &owner, const QString &name,
                           const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        handleContributors(repositoryByName(owner, name), request,
                                           std::move(responder));
                    });
    m_server->route(u"/repositories/<arg>/contributors"_s, Method::Get,
                    [this](const QString &id, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder) {
                        handleContributors(repositoryById(id), request, std::move(responder));
                    });

    m_server->route(u"/repos/<arg>/<arg>"_s, Method::Get,
                    [this](const QString &owner, const QString &name,
                           const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        handleRepository(repositoryByName(owner, name), request,
                                         std::move(responder));
                    });
    m_server->route(u"/repositories/<arg>"_s, Method::Get,
                    [this](const QString &id, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder) {
                        handleRepository(repositoryById(id), request, std::move(responder));
                    });

    m_server->route(u"/users/<arg>"_s, Method::Get,
                    [this](const QString &login, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder) {
                        handleUser(login, request, std::move(responder));
                    });

    // Last: everything the routes above did not take.
    m_server->route<AnyPathRule>(u"/"_s,
                                 [this](const QHttpServerRequest &request,
                                        QHttpServerResponder &&responder) {
                                     handleUnknown(request, std::move(responder));
                                 });
}

FakeGitHub::~FakeGitHub()
{
    ServerAnswer::dropPending(this);

    delete m_server;
    m_server = nullptr;
}

bool FakeGitHub::listen(quint16 port)
{
    if (m_port != 0)
        return true;

    auto *tcpServer = new QTcpServer(m_server);
    if (!tcpServer->listen(QHostAddress::LocalHost, port)) {
        m_errorString = u"cannot listen on 127.0.0.1:%1: %2"_s.arg(port).arg(
                tcpServer->errorString());
        delete tcpServer;
        return false;
    }

    m_server->bind(tcpServer);
    m_port = tcpServer->serverPort();
    m_errorString.clear();
    qCDebug(lcFakeGitHub) << "listening on" << baseUrl();
    return true;
}

quint16 FakeGitHub::port() const
{
    return m_port;
}

QString FakeGitHub::errorString() const
{
    return m_errorString;
}

QUrl FakeGitHub::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

int FakeGitHub::addRepository(FakeRepository repository)
{
    auto entry = std::make_unique<Repository>();
    entry->data.owner = repository.owner;
    entry->data.name = repository.name;
    entry->data.id = repository.id;

    if (entry->data.id == 0) {
        int highest = 100'000;
        for (const auto &existing : m_repositories)
            highest = std::max(highest, existing->data.id);
        entry->data.id = highest + 1;
    }

    // Each object is released once serialised, so that a big generated repository that was
    // handed over (moved) is not held twice.
    entry->issues.reserve(repository.issues.size());
    for (QJsonObject &slot : repository.issues) {
        QJsonObject item = std::exchange(slot, QJsonObject());
        const int index = int(entry->issues.size());
        pointAt(item, entry->data.owner, entry->data.name);
        entry->issues.append(QJsonDocument(item).toJson(QJsonDocument::Compact));
        entry->all.append(index);
        if (item.value(u"state"_s).toString() == u"closed"_s)
            entry->closed.append(index);
        else
            entry->open.append(index);
    }

    for (const QJsonObject &contributor : repository.contributors) {
        entry->allContributors.append(int(entry->contributors.size()));
        entry->contributors.append(QJsonDocument(contributor).toJson(QJsonDocument::Compact));
    }

    for (auto it = repository.users.cbegin(); it != repository.users.cend(); ++it)
        addUser(it.key(), it.value());

    const int id = entry->data.id;
    const auto sameRepository = [&entry](const std::unique_ptr<Repository> &existing) {
        return existing->data.id == entry->data.id
                || (existing->data.owner.compare(entry->data.owner, Qt::CaseInsensitive) == 0
                    && existing->data.name.compare(entry->data.name, Qt::CaseInsensitive) == 0);
    };
    std::erase_if(m_repositories, sameRepository);
    m_repositories.push_back(std::move(entry));
    return id;
}

void FakeGitHub::addUser(const QString &login, const QJsonValue &name)
{
    m_users.insert(login.toLower(), { login, name });
}

QJsonObject FakeGitHub::makeIssue(int number, const QString &title, const QString &authorLogin,
                                  const QStringList &labels, const QString &state)
{
    return issueObject(defaultOwner, defaultRepository, number, title, simpleUser(authorLogin),
                       labelArray(defaultOwner, defaultRepository, labels), state, false,
                       QJsonValue::Null);
}

QJsonObject FakeGitHub::makePullRequest(int number, const QString &title,
                                        const QString &authorLogin, const QStringList &labels,
                                        const QString &state)
{
    return issueObject(defaultOwner, defaultRepository, number, title, simpleUser(authorLogin),
                       labelArray(defaultOwner, defaultRepository, labels), state, true,
                       QJsonValue::Null);
}

QJsonObject FakeGitHub::makeContributor(const QString &login, int contributions)
{
    QJsonObject contributor = simpleUser(login).toObject();
    contributor.insert(u"contributions"_s, contributions);
    return contributor;
}

QJsonObject FakeGitHub::makeUser(const QString &login, const QJsonValue &name)
{
    const qint64 id = userId(login);
    const QDateTime created = QDateTime(QDate(2015, 1, 1), QTime(0, 0), Qt::UTC)
                                      .addDays(id % 3000);

    QJsonObject user = simpleUser(login).toObject();
    user.insert(u"name"_s, name.isString() ? name : QJsonValue(QJsonValue::Null));
    user.insert(u"company"_s, QJsonValue::Null);
    user.insert(u"blog"_s, u""_s);
    user.insert(u"location"_s, QJsonValue::Null);
    user.insert(u"email"_s, QJsonValue::Null);
    user.insert(u"hireable"_s, QJsonValue::Null);
    user.insert(u"bio"_s, QJsonValue::Null);
    user.insert(u"twitter_username"_s, QJsonValue::Null);
    user.insert(u"public_repos"_s, int(id % 40));
    user.insert(u"public_gists"_s, int(id % 7));
    user.insert(u"followers"_s, int(id % 300));
    user.insert(u"following"_s, int(id % 50));
    user.insert(u"created_at"_s, timestamp(created));
    user.insert(u"updated_at"_s, timestamp(created.addDays(400)));
    return user;
}

QJsonObject FakeGitHub::makeLabel(const QString &name)
{
    return labelObject(defaultOwner, defaultRepository, name);
}

qint64 FakeGitHub::userId(const QString &login)
{
    return 1 + stableHash(login.toLower()) % 200'000'000;
}

FakeRepository FakeGitHub::generateRepository(const QString &owner, const QString &name,
                                              int issueCount, int pullRequestCount,
                                              int contributorCount, int id)
{
    FakeRepository repository;
    repository.owner = owner;
    repository.name = name;
    repository.id = id;

    const int poolSize = std::max(contributorCount, 8);
    QList<QString> logins;
    QList<QJsonValue> authors;  // built once, shared by every item of the author
    for (int i = 1; i <= poolSize; ++i) {
        const QString login = u"dev-%1"_s.arg(i);
        QJsonValue displayName;
        if (i % 7 == 0)
            displayName = QJsonValue::Null;
        else if (i % 3 == 0)
            displayName = u"Developer %1"_s.arg(i);
        else if (i % 3 == 1)
            displayName = u"Zoë Ångström %1"_s.arg(i);
        else
            displayName = u"李雷 %1"_s.arg(i);
        logins.append(login);
        authors.append(simpleUser(login));
        repository.users.insert(login, displayName);
    }

    const QList<QJsonArray> labelSets {
        QJsonArray(),
        labelArray(owner, name, { u"bug"_s }),
        labelArray(owner, name, { u"enhancement"_s, u"café ☕"_s }),
        labelArray(owner, name, { u"good first issue"_s }),
        labelArray(owner, name, { u"bug"_s, u"ドキュメント"_s }),
        QJsonArray(),
    };

    const int total = std::max(issueCount, 0) + std::max(pullRequestCount, 0);
    repository.issues.reserve(total);
    for (int number = total; number >= 1; --number) {
        // Spread the pull requests evenly over the numbers (Bresenham).
        const qint64 pullRequests = std::max(pullRequestCount, 0);
        const bool pullRequest = (number * pullRequests) / total
                > ((number - 1) * pullRequests) / total;
        const QJsonValue author = number == 1 ? QJsonValue(QJsonValue::Null)
                                              : authors.at((number - 1) % poolSize);
        const QString state = (pullRequest ? number % 10 == 0 : number % 3 == 0)
                ? u"closed"_s
                : u"open"_s;
        const QString title = pullRequest ? u"Pull request %1"_s.arg(number)
                                          : u"Issue %1"_s.arg(number);
        const QJsonValue body = number % 4 == 0
                ? QJsonValue(u"Steps to reproduce #%1:\n\n1. Open the café menu.\n2. Look."_s
                                     .arg(number))
                : QJsonValue(QJsonValue::Null);

        repository.issues.append(issueObject(owner, name, number, title, author,
                                             labelSets.at(number % 6), state, pullRequest, body));
    }

    for (int i = 0; i < contributorCount; ++i) {
        const int contributions = 10 * (contributorCount - i) + i % 3;
        QJsonObject contributor = authors.at(i).toObject();
        contributor.insert(u"contributions"_s, contributions);
        repository.contributors.append(contributor);
    }
    return repository;
}

void FakeGitHub::failNextRequests(int count, int httpStatus)
{
    m_failuresLeft = std::max(count, 0);
    m_failureStatus = httpStatus;
}

void FakeGitHub::failNextRequestsWithRateLimit(int count, int resetInSeconds)
{
    m_rateLimitFailuresLeft = std::max(count, 0);
    m_rateLimitResetInSeconds = resetInSeconds;
}

void FakeGitHub::setResponseDelay(int milliseconds)
{
    m_responseDelayMs = std::max(milliseconds, 0);
}

QList<FakeGitHub::RecordedRequest> FakeGitHub::requests() const
{
    return m_requests;
}

int FakeGitHub::requestCount(const QString &pathPrefix) const
{
    return int(std::count_if(m_requests.cbegin(), m_requests.cend(),
                             [&pathPrefix](const RecordedRequest &request) {
                                 return request.pathAndQuery.startsWith(pathPrefix);
                             }));
}

void FakeGitHub::clearRequests()
{
    m_requests.clear();
}

void FakeGitHub::handleIssues(Repository *repository, const QHttpServerRequest &request,
                              QHttpServerResponder &&responder)
{
    if (recordAndCheckFailure(request, responder))
        return;

    if (!repository) {
        send(std::move(responder),
             errorAnswer(404, u"Not Found"_s, notFoundDocumentation));
        return;
    }

    const QString state = QUrlQuery(request.url()).queryItemValue(u"state"_s);
    const QList<int> *indexes = &repository->open;
    if (state == u"closed"_s) {
        indexes = &repository->closed;
    } else if (state == u"all"_s) {
        indexes = &repository->all;
    } else if (!state.isEmpty() && state != u"open"_s) {
        send(std::move(responder),
             errorAnswer(422, u"Validation Failed"_s,
                         u"https://docs.github.com/rest/issues/issues#list-repository-issues"_s));
        return;
    }

    const ServerAnswer answer = listing(request, *repository, u"issues"_s, *indexes,
                                        repository->issues);
    send(std::move(responder), withEtag(request, answer));
}

void FakeGitHub::handleContributors(Repository *repository, const QHttpServerRequest &request,
                                    QHttpServerResponder &&responder)
{
    if (recordAndCheckFailure(request, responder))
        return;

    if (!repository) {
        send(std::move(responder),
             errorAnswer(404, u"Not Found"_s, notFoundDocumentation));
        return;
    }

    // GitHub answers an empty repository's contributors with 204 and no body.
    if (repository->allContributors.isEmpty()) {
        send(std::move(responder), jsonAnswer(204, {}));
        return;
    }

    const ServerAnswer answer = listing(request, *repository, u"contributors"_s,
                                        repository->allContributors, repository->contributors);
    send(std::move(responder), withEtag(request, answer));
}

void FakeGitHub::handleRepository(Repository *repository, const QHttpServerRequest &request,
                                  QHttpServerResponder &&responder)
{
    if (recordAndCheckFailure(request, responder))
        return;

    if (!repository) {
        send(std::move(responder),
             errorAnswer(404, u"Not Found"_s, notFoundDocumentation));
        return;
    }

    const FakeRepository &data = repository->data;
    const QString api = repositoryApiUrl(data.owner, data.name);
    QJsonObject owner = simpleUser(data.owner).toObject();
    owner.insert(u"type"_s, u"Organization"_s);
    const QJsonObject object {
        { u"id"_s, data.id },
        { u"node_id"_s, nodeId("Repository"_L1, data.id) },
        { u"name"_s, data.name },
        { u"full_name"_s, u"%1/%2"_s.arg(data.owner, data.name) },
        { u"private"_s, false },
        { u"owner"_s, owner },
        { u"html_url"_s, repositoryWebUrl(data.owner, data.name) },
        { u"description"_s, QJsonValue::Null },
        { u"fork"_s, false },
        { u"url"_s, api },
        { u"issues_url"_s, api + u"/issues{/number}"_s },
        { u"contributors_url"_s, api + u"/contributors"_s },
        { u"has_issues"_s, true },
        { u"open_issues_count"_s, repository->open.size() },
        { u"default_branch"_s, u"main"_s },
        { u"visibility"_s, u"public"_s },
    };
    const QByteArray body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    send(std::move(responder), withEtag(request, jsonAnswer(200, body)));
}

void FakeGitHub::handleUser(const QString &login, const QHttpServerRequest &request,
                            QHttpServerResponder &&responder)
{
    if (recordAndCheckFailure(request, responder))
        return;

    const auto user = m_users.constFind(login.toLower());
    if (user == m_users.cend()) {
        send(std::move(responder),
             errorAnswer(404, u"Not Found"_s, notFoundDocumentation));
        return;
    }

    const QJsonObject object = makeUser(user->first, user->second);
    const QByteArray body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    send(std::move(responder), withEtag(request, jsonAnswer(200, body)));
}

void FakeGitHub::handleUnknown(const QHttpServerRequest &request,
                               QHttpServerResponder &&responder)
{
    if (recordAndCheckFailure(request, responder))
        return;

    send(std::move(responder),
         errorAnswer(404, u"Not Found"_s, notFoundDocumentation));
}

bool FakeGitHub::recordAndCheckFailure(const QHttpServerRequest &request,
                                       QHttpServerResponder &responder)
{
    RecordedRequest record;
    record.method = methodName(request.method());
    record.pathAndQuery = pathAndQuery(request.url());
    record.headers = request.headers();
    qCDebug(lcFakeGitHub) << record.method << record.pathAndQuery;
    m_requests.append(record);
    ++m_answeredCount;
    emit requestReceived();

    if (m_failuresLeft > 0) {
        --m_failuresLeft;
        send(std::move(responder),
             errorAnswer(m_failureStatus, reasonPhrase(m_failureStatus),
                         notFoundDocumentation));
        return true;
    }

    if (m_rateLimitFailuresLeft > 0) {
        --m_rateLimitFailuresLeft;
        const QString message = u"API rate limit exceeded for 127.0.0.1. (But here's the good "
                                "news: Authenticated requests get a higher rate limit. Check "
                                "out the documentation for more details.)"_s;
        ServerAnswer answer = errorAnswer(
                403, message,
                u"https://docs.github.com/rest/overview/resources-in-the-rest-api"
                "#rate-limiting"_s);
        const qint64 reset = QDateTime::currentSecsSinceEpoch() + m_rateLimitResetInSeconds;
        for (auto &[name, value] : answer.headers) {
            if (name == "x-ratelimit-remaining")
                value = "0";
            else if (name == "x-ratelimit-reset")
                value = QByteArray::number(reset);
        }
        send(std::move(responder), answer);
        return true;
    }
    return false;
}

ServerAnswer FakeGitHub::listing(const QHttpServerRequest &request,
                                 const Repository &repository, const QString &collection,
                                 const QList<int> &indexes,
                                 const QList<QByteArray> &items) const
{
    const QUrlQuery query(request.url());
    const int perPage = std::min(positiveParameter(query, u"per_page"_s, defaultPerPage),
                                 maxPerPage);
    const int page = positiveParameter(query, u"page"_s, 1);
    const qint64 total = indexes.size();
    const int lastPage = int(std::max<qint64>(1, (total + perPage - 1) / perPage));

    const qint64 first = qint64(page - 1) * perPage;
    const qint64 end = std::min(total, first + perPage);
    qsizetype size = 2;
    for (qint64 i = first; i < end; ++i)
        size += items.at(indexes.at(i)).size() + 1;
    QByteArray body;
    body.reserve(size);
    body += '[';
    for (qint64 i = first; i < end; ++i) {
        if (i > first)
            body += ',';
        body += items.at(indexes.at(i));
    }
    body += ']';
    ServerAnswer answer = jsonAnswer(200, body);

    // Like GitHub: the links point at /repositories/{id}/..., keep the other parameters in
    // their order and encoding, and put page last; rel order prev, next, last, first.
    QStringList kept;
    const QStringList parameters = request.url().query(QUrl::FullyEncoded).split(u'&');
    for (const QString &parameter : parameters) {
        if (!parameter.isEmpty() && parameter.section(u'=', 0, 0) != u"page"_s)
            kept.append(parameter);
    }
    const QString base = u"%1/repositories/%2/%3?"_s.arg(baseUrl().toString())
                                 .arg(repository.data.id)
                                 .arg(collection);
    const auto link = [&](int target, const char *rel) {
        QStringList withPage = kept;
        withPage.append(u"page=%1"_s.arg(target));
        return u"<%1%2>; rel=\"%3\""_s.arg(base, withPage.join(u'&'), QLatin1StringView(rel));
    };
    QStringList links;
    if (page > 1)
        links.append(link(page - 1, "prev"));
    if (page < lastPage) {
        links.append(link(page + 1, "next"));
        links.append(link(lastPage, "last"));
    }
    if (page > 1)
        links.append(link(1, "first"));
    if (!links.isEmpty())
        answer.addHeader("link", links.join(u", "_s).toUtf8());
    return answer;
}

ServerAnswer FakeGitHub::jsonAnswer(int status, const QByteArray &body) const
{
    ServerAnswer answer;
    answer.status = status;
    answer.body = body;

    if (status != 204 && status != 304)
        answer.addHeader("content-type", "application/json; charset=utf-8");
    if (status >= 200 && status < 300)
        answer.addHeader("cache-control", "private, max-age=60, s-maxage=60");
    answer.addHeader("x-github-media-type", "github.v3; format=json");
    answer.addHeader("x-github-api-version-selected", "2022-11-28");
    answer.addHeader("x-ratelimit-limit", QByteArray::number(rateLimit));
    answer.addHeader("x-ratelimit-remaining",
                     QByteArray::number(std::max(0, rateLimit - m_answeredCount)));
    answer.addHeader("x-ratelimit-reset", QByteArray::number(m_rateLimitReset));
    answer.addHeader("x-ratelimit-used", QByteArray::number(m_answeredCount));
    answer.addHeader("x-ratelimit-resource", "core");
    answer.addHeader("x-github-request-id",
                     "0000:" + QByteArray::number(m_answeredCount, 16).rightJustified(8, '0'));
    return answer;
}

ServerAnswer FakeGitHub::withEtag(const QHttpServerRequest &request,
                                  ServerAnswer answer) const
{
    const QByteArray etag = '"'
            + QCryptographicHash::hash(answer.body, QCryptographicHash::Md5).toHex() + '"';

    // A conditional request whose ETag still matches gets 304 without a body, as on GitHub.
    if (request.value("If-None-Match") == etag) {
        ServerAnswer notModified = jsonAnswer(304, {});
        notModified.addHeader("etag", etag);
        return notModified;
    }

    answer.addHeader("etag", etag);
    return answer;
}

ServerAnswer FakeGitHub::errorAnswer(int status, const QString &message,
                                     const QString &documentationUrl) const
{
    return jsonAnswer(status, errorBody(message, documentationUrl));
}

FakeGitHub::Repository *FakeGitHub::repositoryByName(const QString &owner, const QString &name)
{
    for (const auto &repository : m_repositories) {
        if (repository->data.owner.compare(owner, Qt::CaseInsensitive) == 0
            && repository->data.name.compare(name, Qt::CaseInsensitive) == 0) {
            return repository.get();
        }
    }
    return nullptr;
}

FakeGitHub::Repository *FakeGitHub::repositoryById(const QString &id)
{
    bool ok = false;
    const int number = id.toInt(&ok);
    for (const auto &repository : m_repositories) {
        if (ok && repository->data.id == number)
            return repository.get();
    }
    return nullptr;
}

void FakeGitHub::send(QHttpServerResponder &&responder, const ServerAnswer &answer)
{
    answer.send(std::move(responder), m_responseDelayMs, this);
}
