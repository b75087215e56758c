from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.models import Workspace, WorkspaceAPIKey
from accounts.principals import WorkspacePrincipal
from accounts.selectors import api_key_list, request_workspace
from accounts.services import api_key_create, api_key_revoke, refresh_token_blacklist, user_register
from accounts.throttling import LoginThrottle, RefreshThrottle, RegisterThrottle
from config.errors import ApplicationError
from config.fields import TextField
from config.pagination import paginate, paginated_serializer
from config.schema import ErrorSerializer


class WorkspaceOutputSerializer(serializers.ModelSerializer[Workspace]):
    class Meta:
        model = Workspace
        fields = ["id", "name", "slug"]


class UserOutputSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField(allow_blank=True)


class TokenPairOutputSerializer(serializers.Serializer[object]):
    access = serializers.CharField()
    refresh = serializers.CharField()


def _tokens_for(user: AbstractBaseUser) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RegisterApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [RegisterThrottle]

    @extend_schema_serializer(component_name="RegisterInput")
    class InputSerializer(serializers.Serializer[object]):
        email = serializers.EmailField()
        password = TextField(write_only=True, trim_whitespace=False)
        confirm_password = TextField(write_only=True, trim_whitespace=False)

    @extend_schema_serializer(component_name="Registered")
    class OutputSerializer(TokenPairOutputSerializer):
        user = UserOutputSerializer()
        workspace = WorkspaceOutputSerializer()

    @extend_schema(operation_id="auth_register", request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, workspace = user_register(**data.validated_data)
        body = {"user": {"id": user.pk, "email": user.email}, "workspace": workspace, **_tokens_for(user)}
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


class LoginApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema_serializer(component_name="LoginInput")
    class InputSerializer(serializers.Serializer[object]):
        email = serializers.EmailField()
        password = TextField(write_only=True, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_login",
        request=InputSerializer,
        responses={200: TokenPairOutputSerializer, 401: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].strip().lower()
        user = authenticate(request, username=email, password=data.validated_data["password"])
        if user is None:
            raise ApplicationError(
                "The e-mail or password is not right.",
                code="invalid_credentials",
                fields={"password": ["The e-mail or password is not right."]},
                status_code=status.HTTP_401_UNAUTHORIZED,
            )
        return Response(TokenPairOutputSerializer(_tokens_for(user)).data)


@extend_schema_view(post=extend_schema(responses={200: TokenRefreshSerializer, 401: ErrorSerializer}))
class RefreshApi(TokenRefreshView):
    authentication_classes = ()
    permission_classes = ()
    throttle_classes = [RefreshThrottle]


class LogoutApi(APIView):
    """Sign out on the server: the refresh token is refused from now on. The access token, which
    lives a few minutes (JWT_ACCESS_MINUTES), is not revoked."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [RefreshThrottle]

    @extend_schema_serializer(component_name="LogoutInput")
    class InputSerializer(serializers.Serializer[object]):
        refresh = TextField(trim_whitespace=False)

    @extend_schema(operation_id="auth_logout", request=InputSerializer, responses={204: None, 401: ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh_token_blacklist(token=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer[object]):
        user = UserOutputSerializer()
        workspace = WorkspaceOutputSerializer()

    @extend_schema(operation_id="auth_me", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        principal = request.user
        assert isinstance(principal, WorkspacePrincipal)
        body = {"user": {"id": principal.user_id, "email": principal.email}, "workspace": principal.workspace}
        return Response(self.OutputSerializer(body).data)


class ApiKeyOutputSerializer(serializers.ModelSerializer[WorkspaceAPIKey]):
    id = serializers.CharField(read_only=True, help_text="The key's public prefix; DELETE /api/keys/{id}/ revokes it.")

    class Meta:
        model = WorkspaceAPIKey
        fields = ["id", "name", "prefix", "created", "last_used_at", "revoked"]


class ApiKeyListCreateApi(APIView):
    @extend_schema_serializer(component_name="ApiKeyCreateInput")
    class InputSerializer(serializers.Serializer[object]):
        name = TextField(max_length=50)

    @extend_schema_serializer(component_name="ApiKeyCreated")
    class CreatedOutputSerializer(ApiKeyOutputSerializer):
        key = serializers.CharField(help_text="The secret. It is shown this once and never again.")

        class Meta(ApiKeyOutputSerializer.Meta):
            fields = [*ApiKeyOutputSerializer.Meta.fields, "key"]

    @extend_schema(operation_id="api_keys_list", responses={200: paginated_serializer(ApiKeyOutputSerializer)})
    def get(self, request: Request) -> Response:
        return paginate(
            queryset=api_key_list(workspace=request_workspace(request)),
            serializer_class=ApiKeyOutputSerializer,
            request=request,
            view=self,
        )

    @extend_schema(operation_id="api_keys_create", request=InputSerializer, responses={201: CreatedOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, secret = api_key_create(workspace=request_workspace(request), name=data.validated_data["name"])
        api_key.key = secret  # type: ignore[attr-defined]
        return Response(self.CreatedOutputSerializer(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(APIView):
    @extend_schema(operation_id="api_keys_revoke", responses={204: None})
    def delete(self, request: Request, key_id: str) -> Response:
        api_key = api_key_list(workspace=request_workspace(request)).filter(pk=key_id).first()
        if api_key is None:
            raise ApplicationError("No such API key.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        api_key_revoke(api_key=api_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
