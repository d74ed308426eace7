from django.urls import include, path

from pocketcouncil.engage.views import public, staff

E = "have-your-say/<slug:council>/<slug:slug>/"
S = "staff/<slug:slug>/engage/"
SE = S + "<slug:engagement_slug>/"

engage_patterns = [
    path("have-your-say/", public.index, name="index"),
    path(E, public.engagement_page, name="engagement"),
    path(E + "poll/", public.poll_vote, name="poll-vote"),
    path(E + "ideas/new/", public.idea_new, name="idea-new"),
    path(E + "ideas/<int:pk>/", public.idea_page, name="idea"),
    path(E + "ideas/<int:pk>/support/", public.idea_support, name="idea-support"),
    path(E + "ideas/<int:pk>/comment/", public.comment_add, name="comment-add"),
    path(E + "report/<str:kind>/<int:pk>/", public.report_content, name="report"),
    path(E + "budget/", public.ballot, name="ballot"),
    path(E + "statements/", public.statement_add, name="statement-add"),
    path(E + "statements/<int:pk>/vote/", public.statement_vote, name="statement-vote"),
    path(E + "survey/", public.survey_start, name="survey"),
    path(E + "survey/questions/<int:pk>/", public.survey_question, name="survey-question"),
    path(E + "survey/check/", public.survey_check, name="survey-check"),
    path(E + "survey/sent/", public.survey_sent, name="survey-sent"),
    path(E + "results/", public.results, name="results"),
    path(E + "results.json", public.results_json, name="results-json"),
    path(S, staff.index, name="staff-index"),
    path(S + "new/", staff.engagement_new, name="staff-new"),
    path(S + "moderation/", staff.moderation, name="staff-moderation"),
    path(S + "moderation/block/", staff.block, name="staff-block"),
    path(S + "moderation/words/", staff.word_add, name="staff-word"),
    path(S + "moderation/<str:kind>/<int:pk>/", staff.moderate, name="staff-moderate"),
    path(SE, staff.engagement_page, name="staff-engagement"),
    path(SE + "edit/", staff.engagement_edit, name="staff-edit"),
    path(SE + "phases/", staff.phase_add, name="staff-phase"),
    path(SE + "rules/", staff.rule_add, name="staff-rule"),
    path(SE + "poll/", staff.poll_add, name="staff-poll"),
    path(SE + "projects/", staff.project_add, name="staff-project"),
    path(SE + "publish/", staff.publish, name="staff-publish"),
    path(SE + "ideas/<int:pk>/respond/", staff.idea_respond, name="staff-respond"),
    path(SE + "paper-ballot/", staff.paper_ballot, name="staff-paper-ballot"),
    path(SE + "paper-poll/", staff.paper_poll, name="staff-paper-poll"),
    path(SE + "results/", staff.results_publish, name="staff-results"),
    path(SE + "export.<str:fmt>", staff.export, name="staff-export"),
    path(SE + "survey/", staff.survey_page, name="staff-survey"),
    path(SE + "survey/questions/new/", staff.survey_question_edit, name="staff-survey-new"),
    path(SE + "survey/questions/<int:pk>/", staff.survey_question_edit, name="staff-survey-edit"),
    path(
        SE + "survey/questions/<int:pk>/move/",
        staff.survey_question_move,
        name="staff-survey-move",
    ),
    path(SE + "survey/paper/", staff.survey_paper, name="staff-survey-paper"),
    path(SE + "survey/results/", staff.survey_results, name="staff-survey-results"),
    path(SE + "survey/export.<str:fmt>", staff.survey_export, name="staff-survey-export"),
    path(SE + "survey/files/<str:token>/", staff.survey_file, name="staff-survey-file"),
]

urlpatterns = [path("", include((engage_patterns, "engage")))]
