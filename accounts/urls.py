from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import portability_views, views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("data/", portability_views.data_page, name="account_data"),
    path("data/export/", portability_views.data_export, name="account_data_export"),
    path("data/import/", portability_views.data_import, name="account_data_import"),
]
