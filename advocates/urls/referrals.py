from django.urls import path

from advocates.views import referrals, rewards

urlpatterns = [
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/new/", referrals.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/stage/", referrals.referral_stage, name="referral_stage"),
    path("referrals/<int:pk>/email/", referrals.referral_email, name="referral_email"),
    path(
        "referrals/<int:pk>/progress-note/",
        referrals.referral_progress_note,
        name="referral_progress_note",
    ),
    path(
        "referrals/<int:pk>/progress-note/dismiss/",
        referrals.referral_dismiss_note,
        name="referral_dismiss_note",
    ),
    path("referrals/<int:pk>/give/", referrals.referral_give_reward, name="referral_give_reward"),
    path("rewards/", rewards.reward_programs, name="reward_programs"),
    path("rewards/suggested/", rewards.reward_start_suggested, name="reward_start_suggested"),
    path("rewards/new/", rewards.reward_new, name="reward_new"),
    path("rewards/<int:pk>/redeemed/", rewards.reward_redeemed, name="reward_redeemed"),
    path("rewards/rules/new/", rewards.reward_rule_new, name="reward_rule_new"),
    path("rewards/rules/<int:pk>/edit/", rewards.reward_rule_edit, name="reward_rule_edit"),
    path(
        "rewards/rules/<int:pk>/deactivate/",
        rewards.reward_rule_deactivate,
        name="reward_rule_deactivate",
    ),
]
