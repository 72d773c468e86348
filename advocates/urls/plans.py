from django.urls import path

from advocates.views import plans

urlpatterns = [
    path("plans/", plans.plans, name="advocates_plans"),
    path("touches/", plans.touches, name="advocates_touches"),
    path("touches/<int:pk>/done/", plans.touch_done, name="advocates_touch_done"),
    path("touches/<int:pk>/email/", plans.touch_email, name="advocates_touch_email"),
    path(
        "touches/<int:pk>/acknowledged/",
        plans.touch_acknowledge,
        name="advocates_touch_acknowledge",
    ),
    path("<int:contact_pk>/enroll/", plans.enroll, name="advocates_enroll"),
    path(
        "enrollments/<int:pk>/cancel/",
        plans.enrollment_cancel,
        name="advocates_enrollment_cancel",
    ),
]
